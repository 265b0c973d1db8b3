package dev.tenantwright.plugin.compose;

import dev.tenantwright.plugin.compose.ComposeProjectOutputs.PublishedPort;
import dev.tenantwright.plugin.compose.ComposeProjectOutputs.ServiceStatus;
import dev.tenantwright.plugin.compose.internal.ComposeCli;
import dev.tenantwright.plugin.compose.internal.ComposeFile;
import dev.tenantwright.plugin.compose.internal.SiteFolder;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.plugin.support.SchemaValidator;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code compose.project} resource type: one website (or any set of containers) per tenant environment,
 * run by Docker Compose from its own folder.
 *
 * <p><b>create</b> renders {@code <rootDir>/<project>/compose.yaml} (services with Traefik routing labels,
 * healthchecks, resource limits, a per-project network and named volumes, the ownership marker as the label
 * {@code dev.tenantwright.owner} on every service, network and volume and as {@code x-tenantwright.owner})
 * and a {@code .env} with the secrets (mode 0600), validates the compose file against the Compose schema, and
 * runs {@code docker compose -p P -f F --project-directory D up -d --wait}. An existing folder or project is
 * inspected first: one carrying this resource's marker is converged and reported created (an earlier attempt)
 * or adopted (an earlier run); anything else is a conflict and is left untouched. If {@code up} fails for good
 * (a container exits or stays unhealthy), what this step created is taken down again before the failure is
 * reported, since the engine undoes only steps that succeeded.
 * <b>read</b> reports the containers from {@code ps --format json -a}. <b>update</b> re-renders, pulls and
 * builds (when configured) and runs {@code up} again: Compose recreates only containers whose definition or
 * image changed, so a new {@code revision} or a newly pulled image redeploys. <b>reset</b> runs
 * {@code down -v} and {@code up}: the site starts over with empty volumes. <b>delete</b> runs
 * {@code down -v --remove-orphans} and removes or archives the folder; nothing left is success, and a folder
 * or project with a foreign marker is never touched.
 *
 * <p>The project name is the resource's deterministic name, checked as a Compose project name. Stateless and
 * thread-safe; every process runs through the step's command runner, with argv lists and no secret on them.
 */
@Extension
public final class ComposeProjectType implements ResourceType<ProjectSpec, ComposeProjectOutputs>,
    Updatable<ProjectSpec, ComposeProjectOutputs>, Resettable<ProjectSpec, ComposeProjectOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "compose.project";

  private static final Logger LOG = LoggerFactory.getLogger(ComposeProjectType.class);
  private static final Duration PS_TIMEOUT = Duration.ofSeconds(60);
  /** The empty folder in {@code rootDir} that by-name Compose calls run in (no project name starts with '.'). */
  private static final String EMPTY_DIR = ".empty";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<ProjectSpec> specType() {
    return ProjectSpec.class;
  }

  @Override
  public Class<ComposeProjectOutputs> outputType() {
    return ComposeProjectOutputs.class;
  }

  /** The {@code compose} section binds to {@link ComposeConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return ComposeConfig.class;
  }

  /** A site's volumes hold its data: live's are never replaced from demo or test, and destroying them needs approval. */
  @Override
  public boolean dataBearing() {
    return true;
  }

  @Override
  public CreateResult<ComposeProjectOutputs> create(ProjectSpec spec, StepContext ctx) {
    Site site = site(ctx, null);
    Found found = inspect(site, ctx);
    boolean adopted = false;
    String owner = ctx.ownershipMarker();
    if (found.exists()) {
      String marker = found.requireBelongsHere(ctx);
      adopted = !ctx.isOurs(marker);
      owner = marker;
      LOG.info("compose project {}: found with marker {}, {}", site.project, marker, adopted ? "adopting" : "converging");
    }
    try {
      deploy(spec, site, owner, ctx, false);
    } catch (PermanentException e) {
      if (!adopted) {
        undoFailedCreate(site, ctx, e);
      }
      throw e;
    }
    ComposeProjectOutputs out = status(spec, site, owner, ctx);
    return adopted ? CreateResult.adopted(out) : CreateResult.created(out);
  }

  @Override
  public Optional<ComposeProjectOutputs> read(ProjectSpec spec, ComposeProjectOutputs outputs, StepContext ctx) {
    Site site = site(ctx, outputs);
    Found found = inspect(site, ctx);
    if (!found.exists() || found.marker() == null || !ctx.belongsHere(found.marker())) {
      return Optional.empty();
    }
    return Optional.of(status(spec, site, found.marker(), ctx));
  }

  @Override
  public ComposeProjectOutputs update(ProjectSpec spec, ProjectSpec previous, ComposeProjectOutputs outputs,
      StepContext ctx) {
    Site site = site(ctx, outputs);
    Found found = inspect(site, ctx);
    String owner = found.exists() ? found.requireBelongsHere(ctx) : outputs != null ? outputs.owner() : ctx.ownershipMarker();
    ComposeConfig config = ctx.config(ComposeConfig.class);
    deploy(spec, site, owner, ctx, config.pullOnUpdate());
    return status(spec, site, owner, ctx);
  }

  @Override
  public ComposeProjectOutputs reset(ProjectSpec spec, ComposeProjectOutputs outputs, StepContext ctx) {
    Site site = site(ctx, outputs);
    Found found = inspect(site, ctx);
    String owner = found.exists() ? found.requireBelongsHere(ctx) : outputs != null ? outputs.owner() : ctx.ownershipMarker();
    ctx.progress().report(10, "taking down " + site.project + " with its volumes");
    site.cli(ctx, site.folder.exists()).down(timeout(ctx));
    deploy(spec, site, owner, ctx, false);
    return status(spec, site, owner, ctx);
  }

  @Override
  public void delete(ProjectSpec spec, ComposeProjectOutputs outputs, StepContext ctx) {
    Site site = site(ctx, outputs);
    Found found = inspect(site, ctx);
    if (!found.exists()) {
      site.folder.remove();
      LOG.info("compose project {}: already gone", site.project);
      return;
    }
    found.requireBelongsHere(ctx);
    ctx.progress().report(10, "taking down " + site.project);
    boolean withFile = Files.isRegularFile(site.folder.composeFile());
    site.cli(ctx, withFile).down(timeout(ctx));
    ComposeConfig config = ctx.config(ComposeConfig.class);
    if (config.archives()) {
      site.folder.archive(config.archive(), ctx.clock())
          .ifPresent(p -> LOG.info("compose project {}: folder archived to {}", site.project, p));
    } else {
      site.folder.remove();
    }
    ctx.progress().report(100, site.project + " removed");
  }

  // ------------------------------------------------------------------------------------------------ internals

  private void deploy(ProjectSpec spec, Site site, String owner, StepContext ctx, boolean refresh) {
    ComposeConfig config = ctx.config(ComposeConfig.class);
    ctx.progress().report(10, "rendering " + site.project);
    String yaml = ComposeFile.render(site.project, spec, config, owner);
    SchemaValidator.compose().requireValidYaml("compose.yaml of compose project " + site.project, yaml);
    site.folder.write(yaml, ComposeFile.renderEnv(spec));
    ComposeCli cli = site.cli(ctx, true);
    if (refresh) {
      ctx.progress().report(20, "pulling images of " + site.project);
      cli.pull(timeout(ctx));
    }
    if (spec.services().values().stream().anyMatch(s -> s.build() != null)) {
      // `up` builds an image only when it is missing, so a changed context (a new git revision) would run the
      // old image: build every time; an unchanged context is a cached build (finding C2)
      ctx.progress().report(30, "building " + site.project);
      cli.build(timeout(ctx));
    }
    ctx.checkCancelled();
    ctx.progress().report(40, "starting " + site.project + " and waiting for it to be healthy");
    Duration wait = min(config.waitTimeout(), ctx.remaining());
    cli.up(wait, timeout(ctx));
    LOG.info("compose project {}: up", site.project);
  }

  private void undoFailedCreate(Site site, StepContext ctx, PermanentException cause) {
    try {
      site.cli(ctx, Files.isRegularFile(site.folder.composeFile())).down(timeout(ctx));
      site.folder.remove();
      LOG.info("compose project {}: taken down again after a failed create", site.project);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("compose project {}: could not take down what a failed create left: {}", site.project, e.getMessage());
    }
  }

  private ComposeProjectOutputs status(ProjectSpec spec, Site site, String owner, StepContext ctx) {
    List<ComposeCli.Container> containers = site.cli(ctx, false).ps(min(PS_TIMEOUT, timeout(ctx)));
    List<ServiceStatus> services = new ArrayList<>();
    Integer published = null;
    List<String> order = new ArrayList<>(spec.services().keySet());
    List<ComposeCli.Container> sorted = new ArrayList<>(containers);
    sorted.sort((a, b) -> Integer.compare(rank(order, a.service()), rank(order, b.service())));
    for (ComposeCli.Container c : sorted) {
      List<PublishedPort> ports = new ArrayList<>();
      for (ComposeCli.Publisher p : c.publishers()) {
        if (p.publishedPort() > 0) {
          ports.add(new PublishedPort(p.url(), p.publishedPort(), p.targetPort(), p.protocol()));
          if (published == null) {
            published = p.publishedPort();
          }
        }
      }
      services.add(new ServiceStatus(c.service(), c.name(), c.state(), c.health(), ports));
    }
    String url = null;
    for (ProjectSpec.Service s : spec.services().values()) {
      if (s.route() != null) {
        url = s.route().url();
        break;
      }
    }
    ctx.progress().report(100, site.project + ": " + services.size() + " container(s)");
    return new ComposeProjectOutputs(site.project, site.folder.dir().toString(), site.folder.composeFile().toString(),
        owner, spec.revision(), services, published, url);
  }

  private static int rank(List<String> order, String service) {
    int i = order.indexOf(service);
    return i < 0 ? Integer.MAX_VALUE : i;
  }

  /** What exists under the project's name: its folder and its containers, and whose they are. */
  private Found inspect(Site site, StepContext ctx) {
    List<ComposeCli.Container> containers = site.cli(ctx, false).ps(min(PS_TIMEOUT, timeout(ctx)));
    boolean folder = !site.folder.isEmpty();
    if (!folder && containers.isEmpty()) {
      return new Found(false, null, site.project, List.of());
    }
    Set<String> markers = new LinkedHashSet<>();
    boolean unmarked = false;
    Optional<String> fileOwner = site.folder.owner();
    if (folder) {
      if (fileOwner.isPresent()) {
        markers.add(fileOwner.get());
      } else {
        unmarked = true;
      }
    }
    for (ComposeCli.Container c : containers) {
      if (c.owner() == null) {
        unmarked = true;
      } else {
        markers.add(c.owner());
      }
    }
    String marker = null;
    if (!unmarked && !markers.isEmpty()) {
      marker = fileOwner.orElse(markers.iterator().next());
      for (String m : markers) {
        if (!ctx.belongsHere(m)) {
          marker = m;
          break;
        }
      }
    }
    List<String> what = new ArrayList<>();
    if (folder) {
      what.add("folder " + site.folder.dir());
    }
    if (!containers.isEmpty()) {
      what.add(containers.size() + " container(s)");
    }
    return new Found(true, marker, site.project, what);
  }

  private static Duration timeout(StepContext ctx) {
    ComposeConfig config = ctx.config(ComposeConfig.class);
    Duration t = min(config.commandTimeout(), ctx.remaining());
    return t.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : t;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Site site(StepContext ctx, @Nullable ComposeProjectOutputs outputs) {
    ComposeConfig config = ctx.config(ComposeConfig.class);
    String project = Names.composeProject("project", outputs != null ? outputs.project() : ctx.resourceName());
    return new Site(project, new SiteFolder(config.root(), project), config.binary(), config.dockerHost(),
        config.root().resolve(EMPTY_DIR));
  }

  /** A project's name, folder and command line prefix. */
  private record Site(String project, SiteFolder folder, List<String> binary, @Nullable String dockerHost,
      java.nio.file.Path emptyDir) {

    ComposeCli cli(StepContext ctx, boolean withFile) {
      ComposeCli cli = new ComposeCli(binary, ctx.commands(), project, folder.composeFile(), folder.dir(), dockerHost,
          emptyDir);
      return withFile ? cli : cli.byNameOnly();
    }
  }

  /** The result of {@link #inspect}: whether anything exists and the marker it carries (null when foreign). */
  private record Found(boolean exists, @Nullable String marker, String project, List<String> what) {

    /** The marker, if it belongs to this resource; otherwise the conflict. */
    String requireBelongsHere(StepContext ctx) {
      if (marker == null || !ctx.belongsHere(marker)) {
        throw new PermanentException("compose project " + project + " already exists (" + String.join(", ", what)
            + ") and is not managed by this resource"
            + (marker == null ? " (no Tenantwright ownership marker)" : " (owned by " + marker + ")")
            + ": refusing to adopt or change it; remove it or choose another resource name");
      }
      return marker;
    }
  }
}
