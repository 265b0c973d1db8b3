package dev.tenantwright.core.internal.types;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body handler that keeps the first {@code limit} bytes as UTF-8 text and then stops reading, so
 * a health endpoint that streams forever or returns a huge page cannot hold the check.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

  private final CompletableFuture<String> result = new CompletableFuture<>();
  private final byte[] kept;
  private int size;
  private Flow.Subscription subscription;

  private BoundedBody(int limit) {
    this.kept = new byte[limit];
  }

  /** A handler keeping at most {@code limit} bytes. */
  static HttpResponse.BodyHandler<String> handler(int limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = Math.min(b.remaining(), kept.length - size);
      b.get(kept, size, n);
      size += n;
    }
    if (size >= kept.length) {
      finish();
      subscription.cancel();
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    finish();
  }

  private void finish() {
    result.complete(new String(Arrays.copyOf(kept, size), StandardCharsets.UTF_8));
  }
}
