package io.x402j.jetty;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while it arrives, up to a size limit and within a
 * deadline. A client trickling its body a byte at a time resets the connection's idle timeout with
 * every byte; here it costs no thread, and the deadline answers it. Nothing is failed from another
 * thread: when the deadline comes first the body is simply left unread, which Jetty handles as for
 * any answer sent before the body. Shared by every x402j server (facilitator, gateway); not part of
 * the x402j API.
 */
public final class BodyReader implements Runnable {
  /** What became of the body. */
  public sealed interface Result {}

  /** The whole body. */
  public record Body(byte[] bytes) implements Result {}

  /** More than the limit; {@code drained} when the rest was read and dropped. */
  public record TooLarge(boolean drained) implements Result {}

  /** Not complete within the deadline. */
  public record TooSlow() implements Result {}

  /** The connection failed while reading. */
  public record Failed(Throwable failure) implements Result {}

  private final Request request;
  private final int max;
  private final long drainLimit;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private volatile Scheduler.Task deadline;
  private boolean tooLarge;
  private long seen;

  private BodyReader(Request request, int max, long drainLimit) {
    this.request = request;
    this.max = max;
    this.drainLimit = drainLimit;
  }

  /**
   * Reads the body of {@code request}: at most {@code max} bytes are kept; a larger body is read on
   * and dropped up to {@code drainLimit} bytes (so that a client still sending gets to read the
   * refusal), then given up.
   */
  public static CompletableFuture<Result> read(
      Request request, int max, long drainLimit, Duration timeout) {
    BodyReader reader = new BodyReader(request, max, drainLimit);
    long declared = request.getLength();
    if (declared > max) {
      if (declared > drainLimit) {
        return CompletableFuture.completedFuture(new TooLarge(false));
      }
      reader.tooLarge = true;
    }
    reader.deadline =
        request
            .getComponents()
            .getScheduler()
            .schedule(
                () -> reader.finish(new TooSlow()), timeout.toMillis(), TimeUnit.MILLISECONDS);
    reader.run();
    return reader.result;
  }

  @Override
  public void run() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        finish(new Failed(chunk.getFailure()));
        return;
      }
      ByteBuffer bytes = chunk.getByteBuffer();
      int n = bytes.remaining();
      seen += n;
      if (!tooLarge && kept.size() + n > max) {
        tooLarge = true;
      }
      if (!tooLarge) {
        byte[] copy = new byte[n];
        bytes.get(copy);
        kept.writeBytes(copy);
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        finish(tooLarge ? new TooLarge(true) : new Body(kept.toByteArray()));
        return;
      }
      if (tooLarge && seen > drainLimit) {
        finish(new TooLarge(false));
        return;
      }
    }
  }

  private void finish(Result outcome) {
    if (finished.compareAndSet(false, true)) {
      if (deadline != null) {
        deadline.cancel();
      }
      result.complete(outcome);
    }
  }
}
