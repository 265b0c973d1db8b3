package dev.tenantwright.plugin.incus;

import dev.tenantwright.spi.Nullable;
import dev.tenantwright.spi.Observed;
import java.util.List;

/**
 * What an {@code incus.instance} is once provisioned, referable in blueprints as {@code ${erp.url}},
 * {@code ${erp.ipv4}} and so on.
 *
 * @param name the instance's name in Incus
 * @param project the Incus project it lives in
 * @param status the instance's status as Incus reports it, e.g. {@code Running}
 * @param ipv4 the global IPv4 address of {@code eth0} (or of the first other interface that has one), or
 *     null when the instance has none
 * @param url the access URL of the first exposed port, e.g. {@code http://erp.example.com:24001/}; null
 *     when nothing is exposed
 * @param urls the access URLs of every exposed port, in the order of the spec's {@code expose} list
 */
public record InstanceOutputs(
    String name, String project, String status, @Observed @Nullable String ipv4, @Nullable String url,
    List<String> urls) {

  /** Copies the URL list. */
  public InstanceOutputs {
    urls = urls == null ? List.of() : List.copyOf(urls);
  }
}
