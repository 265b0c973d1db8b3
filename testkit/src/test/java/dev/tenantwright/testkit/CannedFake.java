package dev.tenantwright.testkit;

import java.util.Collection;
import java.util.List;

/** A fake whose routes tests register from outside, for checking contracts of real backends. */
final class CannedFake extends BackendFake {

  CannedFake(String name, String basePath) {
    super(name, basePath);
  }

  CannedFake route(String method, String template, RouteHandler handler) {
    on(method, template, handler);
    return this;
  }

  @Override
  public Collection<String> liveObjects() {
    return List.of();
  }
}
