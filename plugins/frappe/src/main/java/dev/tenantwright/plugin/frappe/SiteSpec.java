package dev.tenantwright.plugin.frappe;

import dev.tenantwright.plugin.support.Names;
import dev.tenantwright.spi.HostName;
import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.PermanentException;
import dev.tenantwright.spi.Secret;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code frappe.site} should be: its name, the Administrator password, the apps to install, site
 * config entries, a first user and whether to issue API keys.
 *
 * <pre>{@code
 * site:
 *   type: frappe.site
 *   params:
 *     site: "${tenant.id}.erp.example.com"
 *     adminPassword: ${secrets.admin-password}
 *     apps: [erpnext]
 *     config: {max_file_size: 10485760}
 *     user: {email: "${tenant.email}", firstName: "${tenant.name}"}
 * }</pre>
 *
 * <p>Immutable; validated on construction with messages that name the field and never a secret.
 *
 * @param site the site name, a DNS host name such as {@code acme.erp.example.com}; default
 *     {@code <resource name>.<siteDomain>} (see {@link FrappeConfig#siteDomain()})
 * @param adminPassword the password of the site's {@code Administrator} (required)
 * @param apps apps to install besides {@code frappe}, in order; each must be in the bench's {@code sites/apps.txt}.
 *     Apps dropped from the list in an update are uninstalled
 * @param config site config entries ({@code bench set-config}): keys of letters, digits and {@code _}, values
 *     strings, numbers or booleans. Entries dropped in an update are removed. Keys that bench itself manages
 *     ({@code db_name}, {@code db_password}, ...) and {@value #OWNER_KEY} are refused
 * @param user a first user, made a System Manager; default none
 * @param apiKeys whether to issue an API key and secret for the first user (or {@code Administrator} when
 *     there is none); default true
 */
public record SiteSpec(
    @HostName @Nullable String site,
    Secret adminPassword,
    @Nullable List<String> apps,
    @Nullable Map<String, Object> config,
    @Nullable SiteUser user,
    @Nullable Boolean apiKeys) {

  /** The site config key that holds the Tenantwright ownership marker. */
  public static final String OWNER_KEY = "tenantwright_owner";

  private static final Pattern APP = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> RESERVED = Set.of(OWNER_KEY, "db_name", "db_password", "db_type", "db_host",
      "db_port", "db_user", "db_socket", "encryption_key", "root_login", "root_password", "admin_password",
      "installed_apps");

  /** Applies defaults and validates every field. */
  public SiteSpec {
    if (site != null) {
      Names.hostname("site", site);
    }
    if (adminPassword == null) {
      throw invalid("adminPassword", "missing: the password of the site's Administrator");
    }
    Set<String> appSet = new LinkedHashSet<>();
    for (String app : apps == null ? List.<String>of() : apps) {
      if (app == null || !APP.matcher(app).matches()) {
        throw invalid("apps", "\"" + app + "\" is not an app name: use lowercase letters, digits and '_', starting with a letter");
      }
      if (!app.equals("frappe")) {
        appSet.add(app);
      }
    }
    apps = List.copyOf(appSet);
    Map<String, Object> cfg = new LinkedHashMap<>();
    if (config != null) {
      config.forEach((key, value) -> {
        if (key == null || !CONFIG_KEY.matcher(key).matches()) {
          throw invalid("config", "\"" + key + "\" is not a site config key: use letters, digits and '_'");
        }
        if (RESERVED.contains(key)) {
          throw invalid("config." + key, "is managed by bench or Tenantwright and cannot be set here");
        }
        if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
          throw invalid("config." + key, "must be a string, a number or a boolean");
        }
        if ("None".equals(value)) {
          throw invalid("config." + key, "\"None\" would make bench delete the key; leave the key out instead");
        }
        if (value instanceof Number n) {
          try {
            new BigDecimal(n.toString());
          } catch (NumberFormatException e) {
            throw invalid("config." + key, "must be a finite number");
          }
        }
        cfg.put(key, value);
      });
    }
    config = Collections.unmodifiableMap(cfg);
    apiKeys = apiKeys == null || apiKeys;
  }

  static PermanentException invalid(String field, String why) {
    return new PermanentException("frappe.site spec, field '" + field + "': " + why);
  }
}
