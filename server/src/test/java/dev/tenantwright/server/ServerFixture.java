package dev.tenantwright.server;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A server on a free port in sandbox mode on the embedded defaults in {@code dir}, with an admin client. */
final class ServerFixture implements AutoCloseable {

  final TenantwrightServer server;
  final ApiClient admin;

  ServerFixture(Path dir) {
    this(dir, UnaryOperator.identity());
  }

  ServerFixture(Path dir, UnaryOperator<ServerConfig.Builder> more) {
    ServerConfig config = more.apply(ServerConfig.builder().port(0).dataDir(dir.resolve("data"))
        .pluginsDir(dir.resolve("no-plugins")).blueprintsDir(dir.resolve("no-blueprints")).sandbox(true)).build();
    this.server = TenantwrightServer.start(config);
    this.admin = new ApiClient(server.url(), server.issueToken("ops", "admin", null));
  }

  ApiClient client(String token) {
    return new ApiClient(server.url(), token);
  }

  @Override
  public void close() {
    server.close();
  }
}
