package io.x402j.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** How {@link JettyServer#close()} stops: at once when idle, after the requests in flight. */
class JettyServerStopTest {
  private final HttpClient http = HttpClient.newHttpClient();

  /** Answers "ok", after {@code work} (what a slow request spends) once {@code entered}. */
  private static Handler answering(CountDownLatch entered, Duration work) {
    return new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        entered.countDown();
        CompletableFuture.runAsync(
            () ->
                response.write(
                    true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback),
            CompletableFuture.delayedExecutor(work.toMillis(), TimeUnit.MILLISECONDS));
        return true;
      }
    };
  }

  @Test
  void aClientsIdleKeepAliveConnectionDoesNotHoldUpTheStop() throws Exception {
    JettyServer server =
        JettyServer.builder("stop-test", answering(new CountDownLatch(1), Duration.ZERO))
            .build()
            .start();
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.body()).isEqualTo("ok"); // the client keeps the connection open

    long start = System.nanoTime();
    server.close();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // Jetty's default gives an idle connection a second to go away on its own first.
    assertThat(millis)
        .as("close() took %d ms", millis)
        .isLessThan(900); // Jetty's own default waits 1 s
  }

  @Test
  void aRequestInFlightLongerThanTheShutdownIdleTimeoutStillGetsItsAnswer() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    JettyServer server =
        JettyServer.builder("stop-test", answering(entered, Duration.ofMillis(400)))
            .build()
            .start();
    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(server.url() + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    server.close();

    HttpResponse<String> got = answer.get(10, TimeUnit.SECONDS);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("ok");
  }
}
