package dev.tenantwright.plugin.support.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Records whether a call's request had started to go out on the wire before it failed, which decides
 * whether a failed call may have changed the backend.
 *
 * <p>The client attaches one instance per call as a request tag; {@link #LISTENER_FACTORY} marks it when
 * OkHttp begins writing the request headers. A failure before that (refused connection, unknown host,
 * connect timeout) changed nothing. Thread-safe.
 */
public final class RequestProgress {

  /** Event-listener factory that updates the {@link RequestProgress} tag of each call, if any. */
  public static final EventListener.Factory LISTENER_FACTORY =
      call -> {
        RequestProgress progress = call.request().tag(RequestProgress.class);
        return progress == null ? EventListener.NONE : progress.listener();
      };

  private final AtomicBoolean sent = new AtomicBoolean();

  /** Whether the request headers had started to be written. */
  public boolean requestSent() {
    return sent.get();
  }

  private EventListener listener() {
    return new EventListener() {
      @Override
      public void requestHeadersStart(Call call) {
        sent.set(true);
      }
    };
  }
}
