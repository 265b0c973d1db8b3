package dev.tenantwright.plugin.frappe.internal;

import dev.tenantwright.plugin.frappe.SiteSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A site's configuration as {@code bench --site S show-config --format json} prints it: the site's
 * {@code site_config.json} merged over the bench's {@code common_site_config.json}.
 *
 * <p>It holds the site's database password; never log it or put it in a message — read the keys you need.
 *
 * @param values every entry, JSON types mapped to Java ({@code String}, {@code Boolean}, {@code Integer},
 *     {@code Long}, {@code Double}, {@code List}, {@code Map})
 */
public record SiteConfig(Map<String, Object> values) {

  /** Copies the entries. */
  public SiteConfig {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The Tenantwright ownership marker, or null when the site carries none. */
  public String owner() {
    return values.get(SiteSpec.OWNER_KEY) instanceof String s ? s : null;
  }

  /** The site's database name, or null. */
  public String dbName() {
    return values.get("db_name") instanceof String s ? s : null;
  }

  /** Redacted on purpose: the configuration holds the site's database password. */
  @Override
  public String toString() {
    return "SiteConfig" + values.keySet();
  }
}
