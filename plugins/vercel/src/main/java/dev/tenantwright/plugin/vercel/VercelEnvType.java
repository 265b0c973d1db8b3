package dev.tenantwright.plugin.vercel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantwright.plugin.support.SupportJson;
import dev.tenantwright.plugin.vercel.internal.Ownership;
import dev.tenantwright.plugin.vercel.internal.VercelApi;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vercel.env}: environment variables on a project made by this environment, each owned through the
 * ownership marker in its {@code comment}.
 *
 * <p>create lists the project's variables first: a variable of the same name and overlapping target whose
 * comment is not this resource's marker is a {@link PermanentException} (a foreign value is never
 * overwritten). Then all variables go in one {@code POST /v10/projects/{id}/env?upsert=true}; entries Vercel
 * reports in {@code failed[]} — even with a 201 — are errors: the variables this call created are removed again
 * and the step fails naming each refusal. The result is ADOPTED only when every variable already belonged to
 * an earlier run of this resource. update upserts again and removes variables dropped from the spec. delete
 * removes the variables by id, skipping any whose comment is no longer ours; a project that is gone is success.
 *
 * <p>read lists the variables and reads each of this resource's decrypted ({@code GET /v1/projects/{id}/env/{id}}),
 * so the {@code revision} it reports is that of the values Vercel holds now: a refresh finds a value edited in the
 * dashboard changed. A {@code sensitive} value, which Vercel never shows again, counts as the spec's.
 *
 * <p>Vercel applies variables only to deployments made after they change. The outputs' {@code revision} — a
 * keyed hash of names, values, targets and branch, never the values — changes with them; a
 * {@code vercel.deployment} that refers to it is planned for an update when the variables change, and builds
 * a new deployment with them.
 *
 * <p>Stateless and thread-safe.
 */
@Extension
public final class VercelEnvType implements ResourceType<EnvSpec, EnvOutputs>, Updatable<EnvSpec, EnvOutputs> {

  private static final Logger LOG = LoggerFactory.getLogger(VercelEnvType.class);

  @Override
  public String type() {
    return "vercel.env";
  }

  @Override
  public Class<EnvSpec> specType() {
    return EnvSpec.class;
  }

  @Override
  public Class<EnvOutputs> outputType() {
    return EnvOutputs.class;
  }

  /** The {@code vercel} section binds to {@link VercelConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return VercelConfig.class;
  }

  @Override
  public CreateResult<EnvOutputs> create(EnvSpec spec, StepContext ctx) {
    VercelApi api = api(ctx);
    Ownership.Project project = Ownership.requireManagedHere(api, spec.project(), ctx);
    List<JsonNode> existing = api.envs(project.id());
    boolean allAdopted = true;
    Set<String> preexisting = new HashSet<>();
    List<String> stale = new ArrayList<>();
    for (String key : spec.vars().keySet()) {
      boolean adoptedKey = false;
      for (JsonNode e : existing) {
        if (!key.equals(e.path("key").asText()) || !Objects.equals(text(e, "gitBranch"), spec.gitBranch())
            || !overlaps(e, spec.effectiveTarget())) {
          continue;
        }
        String comment = text(e, "comment");
        if (comment == null || !ctx.belongsHere(comment)) {
          throw new PermanentException("vercel: environment variable " + key + " on project " + project.name()
              + " already exists (" + e.path("id").asText() + ") and is not managed by this resource ("
              + (comment == null ? "no ownership marker" : "comment '" + comment + "'") + "); refusing to overwrite it");
        }
        preexisting.add(e.path("id").asText());
        if (!targets(e).equals(new HashSet<>(spec.effectiveTarget()))) {
          stale.add(e.path("id").asText());
        } else {
          adoptedKey |= !ctx.isOurs(comment);
        }
      }
      allAdopted &= adoptedKey;
    }
    for (String id : stale) {
      api.deleteEnv(project.id(), id);
    }
    Map<String, String> ids = upsert(api, project, spec, ctx, preexisting);
    EnvOutputs outputs = new EnvOutputs(project.id(), ids, revision(spec, api.config()));
    return allAdopted ? CreateResult.adopted(outputs) : CreateResult.created(outputs);
  }

  @Override
  public Optional<EnvOutputs> read(EnvSpec spec, EnvOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    String project = outputs != null ? outputs.projectId() : spec.project();
    Optional<JsonNode> p = api.project(project);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    String projectId = p.get().path("id").asText();
    Map<String, String> ids = new TreeMap<>();
    Map<String, String> values = new TreeMap<>();
    Set<String> unlike = new TreeSet<>();
    Set<String> target = new HashSet<>(spec.effectiveTarget());
    for (JsonNode e : api.envs(projectId)) {
      String key = e.path("key").asText();
      String comment = text(e, "comment");
      if (spec.vars().containsKey(key) && comment != null && ctx.belongsHere(comment)) {
        String id = e.path("id").asText();
        ids.put(key, id);
        // listing shows values encrypted: read each one decrypted; a sensitive one Vercel never shows again
        values.put(key, api.env(projectId, id).filter(v -> v.path("decrypted").asBoolean(false) && v.hasNonNull("value"))
            .map(v -> v.get("value").asText()).orElse(spec.vars().get(key).reveal()));
        if (!targets(e).equals(target) || !Objects.equals(text(e, "gitBranch"), spec.gitBranch())) {
          unlike.add(key + " " + new TreeSet<>(targets(e)) + " " + text(e, "gitBranch"));
        }
      }
    }
    return ids.isEmpty() ? Optional.empty() : Optional.of(new EnvOutputs(projectId, ids,
        revision(values, spec.effectiveTarget(), spec.gitBranch(), unlike, api.config())));
  }

  @Override
  public EnvOutputs update(EnvSpec spec, EnvSpec previous, EnvOutputs outputs, StepContext ctx) {
    EnvOutputs now = create(spec, ctx).outputs();
    Set<String> dropped = new HashSet<>(outputs.ids().keySet());
    dropped.removeAll(spec.vars().keySet());
    if (!dropped.isEmpty()) {
      Map<String, String> gone = new LinkedHashMap<>(outputs.ids());
      gone.keySet().retainAll(dropped);
      remove(api(ctx), outputs.projectId(), gone, ctx);
    }
    return now;
  }

  @Override
  public void delete(EnvSpec spec, EnvOutputs outputs, StepContext ctx) {
    VercelApi api = api(ctx);
    if (api.project(outputs.projectId()).isEmpty()) {
      return;
    }
    remove(api, outputs.projectId(), outputs.ids(), ctx);
  }

  private static Map<String, String> upsert(VercelApi api, Ownership.Project project, EnvSpec spec, StepContext ctx,
      Set<String> preexisting) {
    List<Map<String, Object>> body = new ArrayList<>();
    spec.vars().forEach((key, value) -> {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("key", key);
      v.put("value", value.reveal());
      v.put("type", spec.effectiveType());
      v.put("target", spec.effectiveTarget());
      if (spec.gitBranch() != null) {
        v.put("gitBranch", spec.gitBranch());
      }
      v.put("comment", ctx.ownershipMarker());
      body.add(v);
    });
    ctx.progress().report(40, "setting " + body.size() + " variable(s) on Vercel project " + project.name());
    VercelApi.Upserted result = api.upsertEnvs(project.id(), body);
    Map<String, String> ids = new TreeMap<>();
    for (JsonNode c : result.created()) {
      ids.put(c.path("key").asText(), c.path("id").asText());
    }
    if (!result.failed().isEmpty()) {
      for (JsonNode c : result.created()) {
        if (!preexisting.contains(c.path("id").asText())) {
          api.deleteEnv(project.id(), c.path("id").asText());
        }
      }
      List<String> why = new ArrayList<>();
      for (JsonNode f : result.failed()) {
        String key = f.hasNonNull("key") ? f.get("key").asText() : f.path("envVarKey").asText("?");
        why.add(key + ": [" + f.path("code").asText() + "] " + f.path("message").asText());
      }
      throw new PermanentException("vercel: project " + project.name() + " refused " + why.size()
          + " environment variable(s): " + String.join("; ", why));
    }
    LOG.debug("set variables {} on Vercel project {}", ids.keySet(), project.name());
    return ids;
  }

  private static void remove(VercelApi api, String projectId, Map<String, String> ids, StepContext ctx) {
    Set<String> wanted = new HashSet<>(ids.values());
    for (JsonNode e : api.envs(projectId)) {
      String id = e.path("id").asText();
      if (!wanted.contains(id)) {
        continue;
      }
      String comment = text(e, "comment");
      if (comment == null || !ctx.belongsHere(comment)) {
        LOG.warn("not deleting environment variable {} ({}) of project {}: it is no longer managed by this resource",
            e.path("key").asText(), id, projectId);
        continue;
      }
      api.deleteEnv(projectId, id);
    }
  }

  /**
   * HMAC-SHA256, keyed with the API token, of the variables as a build sees them (names, values, targets,
   * branch), as 16 hex characters. Keyed so that a weak value cannot be recovered from the journal by trying
   * candidates; the type is left out, since it does not change what a build sees.
   */
  static String revision(EnvSpec spec, VercelConfig config) {
    Map<String, String> values = new TreeMap<>();
    spec.vars().forEach((k, v) -> values.put(k, v.reveal()));
    return revision(values, spec.effectiveTarget(), spec.gitBranch(), Set.of(), config);
  }

  /**
   * The revision of variables as Vercel holds them: {@code values} by name, the spec's {@code target} and
   * {@code gitBranch}, and {@code unlike} — one entry per variable whose targets or branch differ from those — which
   * leaves the hash of variables that match the spec exactly what {@link #revision(EnvSpec, VercelConfig)} gives.
   */
  private static String revision(Map<String, String> values, List<String> target, @Nullable String gitBranch,
      Set<String> unlike, VercelConfig config) {
    Map<String, Object> what = new TreeMap<>();
    what.put("vars", new TreeMap<>(values));
    what.put("target", target);
    if (gitBranch != null) {
      what.put("gitBranch", gitBranch);
    }
    if (!unlike.isEmpty()) {
      what.put("unlike", List.copyOf(unlike));
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(("tenantwright vercel.env revision " + config.token().reveal())
          .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sum = mac.doFinal(SupportJson.mapper().writeValueAsBytes(what));
      return Ownership.hex(sum).substring(0, 16);
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot compute the revision of the variables", e);
    }
  }

  private static boolean overlaps(JsonNode env, List<String> target) {
    Set<String> t = targets(env);
    return target.stream().anyMatch(t::contains);
  }

  private static Set<String> targets(JsonNode env) {
    Set<String> out = new HashSet<>();
    JsonNode t = env.path("target");
    if (t.isArray()) {
      t.forEach(x -> out.add(x.asText()));
    } else if (t.isTextual()) {
      out.add(t.asText());
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static VercelApi api(StepContext ctx) {
    return VercelApi.of(ctx.config(VercelConfig.class)).forStep(ctx);
  }
}
