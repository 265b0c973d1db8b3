package dev.tenantwright.plugin.frappe;

import dev.tenantwright.plugin.frappe.internal.Bench;
import dev.tenantwright.plugin.frappe.internal.SiteBusyException;
import dev.tenantwright.plugin.frappe.internal.SiteConfig;
import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.CreateResult;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Resettable;
import dev.tenantwright.spi.ResourceType;
import dev.tenantwright.spi.RetryableException;
import dev.tenantwright.spi.Secret;
import dev.tenantwright.spi.StepContext;
import dev.tenantwright.spi.Updatable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code frappe.site}: one Frappe/ERPNext site on a bench — {@code bench new-site}, apps, site config, a first
 * user, API keys, a running scheduler and a baseline backup — made, changed, reset and dropped through the
 * {@code bench} CLI.
 *
 * <p><b>Create</b> looks the site up ({@code show-config}). A missing site is made with {@code new-site} under a
 * database name derived from the step's ownership marker, then marked with {@code set-config tenantwright_owner
 * <marker>}; the apps are installed, the config entries set, the first user added, API keys issued, the scheduler
 * enabled ({@code new-site} leaves it disabled) and a baseline backup taken. A site that exists is ours when its
 * marker {@linkplain StepContext#isOurs is ours}, or when it has no marker yet but carries our database name (an
 * earlier attempt was cut off between {@code new-site} and the marker): such a site is converged and reported
 * created — or, when the cut-off {@code new-site} left it half-made, dropped and made again. Whether it is half-made
 * is asked under the site's lock on the bench host, so a {@code new-site} that outlived its client is waited for,
 * never dropped while it installs ({@link SiteBusyException}). A site whose marker
 * {@linkplain StepContext#belongsHere belongs here} is adopted; any other site is a conflict. When an attempt
 * fails after it made the site, it drops the site again before it reports the failure, so a failed create never
 * leaves a half-provisioned site behind (bench's own clean-up needs a terminal).
 *
 * <p><b>Delete</b> drops the site with {@code drop-site --force --no-backup}, only after checking that it exists
 * (dropping a missing site fails in bench) and that it is this resource's. <b>Update</b> installs added apps,
 * uninstalls removed ones, sets and removes config entries, applies changed passwords, enables the scheduler and
 * takes a new baseline when anything changed. <b>Reset</b> restores the baseline backup ({@code restore --force}),
 * or reinstalls the site (and converges it again: new API keys, a new baseline) when no baseline is known or its
 * file is gone. The baseline lives in the site's {@code private/tenantwright-baseline} folder, outside the
 * {@code private/backups} folder frappe rotates daily ({@link #baselineFile}). Stateless; thread-safe.
 */
@Extension
public final class FrappeSiteType implements ResourceType<SiteSpec, SiteOutputs>, Updatable<SiteSpec, SiteOutputs>,
    Resettable<SiteSpec, SiteOutputs> {

  /** The type name blueprints use. */
  public static final String TYPE = "frappe.site";

  /** Frappe's built-in superuser. */
  public static final String ADMINISTRATOR = "Administrator";

  private static final Logger LOG = LoggerFactory.getLogger(FrappeSiteType.class);
  private static final String HEX = "0123456789abcdef";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<SiteSpec> specType() {
    return SiteSpec.class;
  }

  @Override
  public Class<SiteOutputs> outputType() {
    return SiteOutputs.class;
  }

  /** The {@code frappe} section binds to {@link FrappeConfig}, checked when the host starts. */
  @Override
  public Class<?> configType() {
    return FrappeConfig.class;
  }

  /** A site is a database of customer data. */
  @Override
  public boolean dataBearing() {
    return true;
  }

  // ------------------------------------------------------------------------------------------------ create

  @Override
  public CreateResult<SiteOutputs> create(SiteSpec spec, StepContext ctx) {
    FrappeConfig config = ctx.config(FrappeConfig.class);
    String site = siteName(spec, config, ctx);
    String dbName = dbName(ctx);
    Bench bench = new Bench(config, ctx);
    ctx.progress().report(5, "looking for site " + site);
    Optional<SiteConfig> found = bench.siteConfig(site);
    boolean adopted = false;
    SiteConfig current;
    if (found.isEmpty()) {
      current = makeSite(bench, spec, ctx, site, dbName);
    } else {
      SiteConfig existing = found.get();
      String owner = existing.owner();
      if (owner != null && ctx.isOurs(owner)) {
        LOG.info("Site {} was made by an earlier attempt of this step; converging it", site);
        current = existing;
      } else if (owner != null && ctx.belongsHere(owner)) {
        LOG.info("Adopting site {}, made by an earlier run of this resource", site);
        adopted = true;
        current = existing;
      } else if (owner == null && dbName.equals(existing.dbName())) {
        try {
          current = resumeInterrupted(bench, spec, ctx, site, dbName);
        } catch (CancellationException e) {
          throw e;
        } catch (RuntimeException e) {
          throw abandon(bench, ctx, site, dbName, e);
        }
      } else {
        throw new PermanentException("site " + site + " already exists and is not this resource's ("
            + (owner == null ? "it carries no " + SiteSpec.OWNER_KEY + " marker" : "its " + SiteSpec.OWNER_KEY
            + " is " + owner) + "): refusing to adopt or change it; choose another site name");
      }
    }
    try {
      SiteOutputs out = converge(bench, config, ctx, site, spec, null, null, current);
      ctx.progress().report(100, adopted ? "adopted site " + site : "site " + site + " is ready");
      return adopted ? CreateResult.adopted(out) : CreateResult.created(out);
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      if (adopted) {
        throw e;
      }
      throw abandon(bench, ctx, site, dbName, e);
    }
  }

  /** Makes the site with {@code new-site} and marks it; a failure drops whatever new-site left behind. */
  private SiteConfig makeSite(Bench bench, SiteSpec spec, StepContext ctx, String site, String dbName) {
    ctx.progress().report(10, "creating site " + site);
    try {
      bench.newSite(site, dbName, spec.adminPassword());
      bench.setConfig(site, SiteSpec.OWNER_KEY, ctx.ownershipMarker());
      return bench.siteConfig(site).orElseThrow(() -> new RetryableException(
          "site " + site + " vanished right after bench new-site made it", null, true, null));
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw abandon(bench, ctx, site, dbName, e);
    }
  }

  /**
   * An earlier attempt of this step ran {@code new-site} but never set the marker: keep the site when new-site
   * finished (frappe is installed), otherwise drop the half-made site and make it again.
   */
  private SiteConfig resumeInterrupted(Bench bench, SiteSpec spec, StepContext ctx, String site, String dbName) {
    Optional<List<String>> apps = bench.installedAppsIfComplete(site);
    if (apps.isPresent()) {
      LOG.info("Site {} was made by an interrupted attempt of this step; marking and converging it", site);
      bench.setConfig(site, SiteSpec.OWNER_KEY, ctx.ownershipMarker());
      return bench.siteConfig(site).orElseThrow(() -> new RetryableException(
          "site " + site + " vanished while it was being marked", null, true, null));
    }
    LOG.info("Site {} was left half-made by an interrupted bench new-site of this step; dropping and making it again",
        site);
    bench.dropSite(site);
    return makeSite(bench, spec, ctx, site, dbName);
  }

  /**
   * Drops the site this attempt (or an earlier attempt of this step) made, then reports {@code cause}: a
   * retryable cause becomes one with a known outcome (nothing is left), a permanent one stays permanent. When the
   * drop itself fails the site may still exist, so the failure is reported as retryable with an unknown
   * outcome, and the next attempt or the rollback finds the site by its marker.
   */
  private RuntimeException abandon(Bench bench, StepContext ctx, String site, String dbName, RuntimeException cause) {
    if (cause instanceof SiteBusyException) {
      // another bench process (an earlier attempt whose client was lost) still works on the site: dropping it would
      // wait for the same lock, and must not happen while that process runs
      return cause;
    }
    try {
      Optional<SiteConfig> now = bench.siteConfig(site);
      if (now.isPresent()) {
        SiteConfig c = now.get();
        boolean mine = c.owner() != null ? ctx.isOurs(c.owner()) : dbName.equals(c.dbName());
        if (mine) {
          LOG.info("Dropping site {} again after a failed attempt: {}", site, cause.getMessage());
          bench.dropSite(site);
        }
      }
    } catch (CancellationException e) {
      throw e;
    } catch (RuntimeException cleanup) {
      LOG.warn("Could not drop site {} after a failed attempt ({}); it is dropped on the next attempt or by the "
          + "rollback", site, cleanup.getMessage());
      cause.addSuppressed(cleanup);
      return new RetryableException(cause.getMessage() + " (the site could not be dropped again: "
          + cleanup.getMessage() + ")", null, true, cause);
    }
    if (cause instanceof RetryableException r) {
      return new RetryableException(r.getMessage(), r.retryAfter().orElse(null), false, r);
    }
    return cause;
  }

  // ------------------------------------------------------------------------------------------------ read

  @Override
  public Optional<SiteOutputs> read(SiteSpec spec, SiteOutputs outputs, StepContext ctx) {
    FrappeConfig config = ctx.config(FrappeConfig.class);
    String site = outputs != null ? outputs.site() : siteName(spec, config, ctx);
    Bench bench = new Bench(config, ctx);
    Optional<SiteConfig> found = bench.siteConfig(site);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SiteConfig c = found.get();
    if (!belongsHere(c, outputs, ctx)) {
      LOG.debug("Site {} exists but is not this resource's", site);
      return Optional.empty();
    }
    boolean complete = c.owner() != null;
    List<String> apps = complete ? bench.installedApps(site) : List.of();
    String user = spec.user() == null ? null : spec.user().email();
    String apiUser = spec.apiKeys() ? (user != null ? user : ADMINISTRATOR) : null;
    String apiKey = null;
    Secret apiSecret = null;
    String baseline = null;
    if (outputs != null) {
      apiUser = outputs.apiUser();
      apiKey = outputs.apiKey();
      apiSecret = outputs.apiSecret();
      baseline = outputs.baselineBackup();
    } else if (apiUser != null && complete) {
      apiKey = bench.apiKey(site, apiUser).orElse(null);
    }
    return Optional.of(new SiteOutputs(site, url(config, site), dbNameOf(c, site), apps, user, apiUser, apiKey,
        apiSecret, baseline));
  }

  // ------------------------------------------------------------------------------------------------ update

  @Override
  public SiteOutputs update(SiteSpec spec, SiteSpec previous, SiteOutputs outputs, StepContext ctx) {
    FrappeConfig config = ctx.config(FrappeConfig.class);
    String site = siteName(spec, config, ctx);
    if (outputs != null && !site.equals(outputs.site())) {
      throw new PermanentException("a Frappe site cannot be renamed in place (from " + outputs.site() + " to " + site
          + "): destroy the environment and provision it again");
    }
    Bench bench = new Bench(config, ctx);
    SiteConfig current = existingSite(bench, site, outputs, ctx);
    SiteOutputs out = converge(bench, config, ctx, site, spec, previous, outputs, current);
    ctx.progress().report(100, "site " + site + " is up to date");
    return out;
  }

  // ------------------------------------------------------------------------------------------------ delete

  @Override
  public void delete(SiteSpec spec, SiteOutputs outputs, StepContext ctx) {
    FrappeConfig config = ctx.config(FrappeConfig.class);
    String site = outputs != null ? outputs.site() : siteName(spec, config, ctx);
    Bench bench = new Bench(config, ctx);
    Optional<SiteConfig> found = bench.siteConfig(site);
    if (found.isEmpty()) {
      LOG.debug("Site {} is already gone", site);
      return;
    }
    if (!belongsHere(found.get(), outputs, ctx)) {
      LOG.warn("Site {} exists but is not this resource's (another tenant or a person made it); leaving it alone",
          site);
      return;
    }
    ctx.progress().report(10, "dropping site " + site);
    bench.dropSite(site);
  }

  // ------------------------------------------------------------------------------------------------ reset

  @Override
  public SiteOutputs reset(SiteSpec spec, SiteOutputs outputs, StepContext ctx) {
    FrappeConfig config = ctx.config(FrappeConfig.class);
    String site = outputs != null ? outputs.site() : siteName(spec, config, ctx);
    Bench bench = new Bench(config, ctx);
    SiteConfig current = existingSite(bench, site, outputs, ctx);
    if (outputs != null && outputs.baselineBackup() != null) {
      ctx.progress().report(10, "restoring site " + site + " from its baseline backup");
      if (bench.restore(site, outputs.baselineBackup(), spec.adminPassword())) {
        bench.enableScheduler(site);
        return outputs;
      }
      LOG.warn("The baseline backup {} of site {} is gone; reinstalling the site instead", outputs.baselineBackup(),
          site);
    }
    ctx.progress().report(20, "reinstalling site " + site + " (no baseline backup is available)");
    bench.reinstall(site, spec.adminPassword());
    SiteOutputs withoutKeys = outputs == null ? null : new SiteOutputs(outputs.site(), outputs.url(), outputs.dbName(),
        List.of("frappe"), outputs.user(), null, null, null, null);
    return converge(bench, config, ctx, site, spec, null, withoutKeys, current);
  }

  // ------------------------------------------------------------------------------------------------ converging

  /**
   * Brings an existing site in line with {@code spec}: apps, config, passwords, first user, API keys, and a
   * new baseline backup when anything changed (or none is known).
   *
   * @param previous the spec the site was last brought in line with, or null (create, reset)
   * @param prior the outputs recorded for the site, or null
   * @param current the site's configuration now
   */
  private SiteOutputs converge(Bench bench, FrappeConfig config, StepContext ctx, String site, SiteSpec spec,
      SiteSpec previous, SiteOutputs prior, SiteConfig current) {
    boolean changed = false;

    ctx.progress().report(30, "installing apps on " + site);
    List<String> apps = new ArrayList<>(bench.installedApps(site));
    for (String app : spec.apps()) {
      if (!apps.contains(app)) {
        ctx.checkCancelled();
        changed |= bench.installApp(site, app);
        apps.add(app);
      }
    }
    if (previous != null) {
      for (String app : previous.apps()) {
        if (!spec.apps().contains(app) && apps.contains(app)) {
          changed |= bench.uninstallApp(site, app);
          apps.remove(app);
        }
      }
    }

    ctx.progress().report(50, "setting site config of " + site);
    Map<String, Object> values = current.values();
    for (Map.Entry<String, Object> e : spec.config().entrySet()) {
      if (!sameValue(values.get(e.getKey()), e.getValue())) {
        bench.setConfig(site, e.getKey(), e.getValue());
        changed = true;
      }
    }
    if (previous != null) {
      for (String key : previous.config().keySet()) {
        if (!spec.config().containsKey(key) && values.containsKey(key)) {
          bench.removeConfig(site, key);
          changed = true;
        }
      }
    }
    if (previous != null && !previous.adminPassword().equals(spec.adminPassword())) {
      bench.setAdminPassword(site, spec.adminPassword());
      changed = true;
    }

    String user = null;
    if (spec.user() != null) {
      SiteUser u = spec.user();
      user = u.email();
      ctx.progress().report(65, "adding user " + user);
      if (!bench.userExists(site, user)) {
        changed |= bench.addSystemManager(site, u);
      } else if (u.password() != null && previous != null && previous.user() != null
          && previous.user().email().equals(user) && !u.password().equals(previous.user().password())) {
        bench.setPassword(site, user, u.password());
        changed = true;
      }
    }

    String apiUser = null;
    String apiKey = null;
    Secret apiSecret = null;
    if (spec.apiKeys()) {
      apiUser = user != null ? user : ADMINISTRATOR;
      if (prior != null && apiUser.equals(prior.apiUser()) && prior.apiKey() != null && prior.apiSecret() != null) {
        apiKey = prior.apiKey();
        apiSecret = prior.apiSecret();
      } else {
        ctx.progress().report(80, "issuing API keys for " + apiUser);
        apiKey = Secret.generate(15, HEX).reveal();
        apiSecret = Secret.generate(32);
        bench.setApiKeys(site, apiUser, apiKey, apiSecret);
        changed = true;
      }
    }

    // new-site leaves the scheduler disabled (F1); enabling it is no change the baseline must capture: restore and
    // reinstall put back the flag the site had before them (installer.py _new_site re-applies it)
    ctx.progress().report(85, "enabling the scheduler of " + site);
    bench.enableScheduler(site);

    String baseline = prior == null ? null : prior.baselineBackup();
    if (changed || baseline == null) {
      ctx.progress().report(90, "taking the baseline backup of " + site);
      baseline = bench.backup(site, baselineFile(site, baseline));
    }
    return new SiteOutputs(site, url(config, site), dbNameOf(current, site), apps, user, apiUser, apiKey, apiSecret,
        baseline);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** The site name: the spec's, or {@code <resource name>[.<siteDomain>]}. */
  static String siteName(SiteSpec spec, FrappeConfig config, StepContext ctx) {
    if (spec.site() != null) {
      return spec.site();
    }
    String name = config.siteDomain() == null ? ctx.resourceName() : ctx.resourceName() + "." + config.siteDomain();
    return Names.hostname("site", name);
  }

  /**
   * The database name {@code new-site} gets: {@code _} and 16 hex characters, like bench's own default, but
   * derived from the step's ownership marker, so that a site whose marker was never set can still be recognised
   * as this step's own.
   */
  static String dbName(StepContext ctx) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(ctx.ownershipMarker().getBytes(StandardCharsets.UTF_8));
      return "_" + HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private SiteConfig existingSite(Bench bench, String site, SiteOutputs outputs, StepContext ctx) {
    SiteConfig c = bench.siteConfig(site).orElseThrow(() -> new PermanentException("site " + site
        + " no longer exists on the bench; provision the environment again"));
    if (!belongsHere(c, outputs, ctx)) {
      throw new PermanentException("site " + site + " is not this resource's (its " + SiteSpec.OWNER_KEY + " is "
          + c.owner() + "); refusing to change it");
    }
    return c;
  }

  /** Whether the site carries this resource's marker, or no marker and this step's (or the recorded) database. */
  private static boolean belongsHere(SiteConfig c, SiteOutputs outputs, StepContext ctx) {
    if (c.owner() != null) {
      return ctx.belongsHere(c.owner());
    }
    String db = c.dbName();
    return db != null && (db.equals(dbName(ctx)) || (outputs != null && db.equals(outputs.dbName())));
  }

  private static String dbNameOf(SiteConfig c, String site) {
    String db = c.dbName();
    if (db == null) {
      throw new PermanentException("site " + site + " has no db_name in its site config");
    }
    return db;
  }

  private static String url(FrappeConfig config, String site) {
    return config.urlScheme() + "://" + site;
  }

  /**
   * Where the next baseline goes: {@code ./SITE/private/tenantwright-baseline/baseline-a.sql.gz} or {@code -b}, the
   * one the current baseline is not in. Inside the site, so it lives and is archived with the site; outside
   * {@code private/backups}, which frappe rotates (every backup deletes what is older than a day there). Two slots,
   * so that a backup that fails half-way never spoils the baseline in use, and no more than two ever pile up.
   */
  static String baselineFile(String site, String current) {
    String dir = "./" + site + "/private/tenantwright-baseline/";
    String a = dir + "baseline-a.sql.gz";
    return a.equals(current) ? dir + "baseline-b.sql.gz" : a;
  }

  /**
   * Whether a config value read back from bench equals the wanted one: numbers by value, and the wanted value as
   * bench stores it ({@code "1"} is stored as {@code 1}, {@code "true"} as {@code true}: {@link Bench#asStored}).
   */
  private static boolean sameValue(Object have, Object wanted) {
    Object want = Bench.asStored(wanted);
    if (have instanceof Number h && want instanceof Number w) {
      return new BigDecimal(h.toString()).compareTo(new BigDecimal(w.toString())) == 0;
    }
    return Objects.equals(have, want);
  }
}
