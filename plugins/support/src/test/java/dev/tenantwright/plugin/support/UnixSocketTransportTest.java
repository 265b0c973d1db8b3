package dev.tenantwright.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incus and Docker answer on a unix socket; the client must reach them there with plain HTTP. */
class UnixSocketTransportTest {

  @TempDir Path dir;

  @Test
  void sendsRequestsOverAUnixSocketWithThePlaceholderHost() throws Exception {
    Path socket = dir.resolve("incus.sock");
    String body = "{\"type\":\"sync\",\"status_code\":200,\"metadata\":[\"/1.0/instances/web\"]}";
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerOnce(server, body));

      RestClient incus = RestClient.builder().name("incus").unixSocket(socket).build();
      RestResponse response = incus.get("/1.0/instances", java.util.Map.of("project", "default"));

      assertThat(response.json().path("metadata").get(0).asText()).isEqualTo("/1.0/instances/web");
      assertThat(request.get(10, TimeUnit.SECONDS))
          .startsWith("GET /1.0/instances?project=default HTTP/1.1\r\n")
          .containsIgnoringCase("host: localhost");
    }
  }

  private static String answerOnce(ServerSocketChannel server, String body) {
    try (SocketChannel peer = server.accept()) {
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (!received.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
        buf.clear();
        if (peer.read(buf) < 0) {
          break;
        }
        received.write(buf.array(), 0, buf.position());
      }
      byte[] payload = body.getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + payload.length
          + "\r\nConnection: close\r\n\r\n";
      peer.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      peer.write(ByteBuffer.wrap(payload));
      return received.toString(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
