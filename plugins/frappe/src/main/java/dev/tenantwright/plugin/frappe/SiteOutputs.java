package dev.tenantwright.plugin.frappe;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Secret;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code frappe.site} is after provisioning; referable in blueprints as {@code ${site.url}},
 * {@code ${site.apiKey}}, {@code ${site.apiSecret}} and so on. The API secret is stored encrypted in the journal.
 *
 * <p>An API client authenticates with the header {@code Authorization: token <apiKey>:<apiSecret>}.
 *
 * @param site the site name
 * @param url the site's URL, e.g. {@code https://acme.erp.example.com}
 * @param dbName the site's database name
 * @param apps the apps installed on the site, {@code frappe} first
 * @param user the first user's e-mail, or null when the spec names none
 * @param apiUser the user the API key belongs to, or null when no keys were issued
 * @param apiKey the API key (the public half), or null when no keys were issued (or not known after a read)
 * @param apiSecret the API secret, or null when no keys were issued (or not known after a read)
 * @param baselineBackup the database backup taken after provisioning, relative to the bench's {@code sites}
 *     directory ({@code ./<site>/private/tenantwright-baseline/baseline-a.sql.gz} or {@code -b}, outside the
 *     folder frappe rotates); {@code reset} restores it. Null when not known
 */
public record SiteOutputs(
    String site,
    String url,
    String dbName,
    List<String> apps,
    @Nullable String user,
    @Nullable String apiUser,
    @Nullable String apiKey,
    @Nullable Secret apiSecret,
    @Nullable String baselineBackup) {

  /** Validates presence and copies the app list. */
  public SiteOutputs {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(dbName, "dbName");
    apps = List.copyOf(apps);
  }
}
