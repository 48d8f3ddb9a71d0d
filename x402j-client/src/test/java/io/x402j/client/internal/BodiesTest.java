package io.x402j.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BodiesTest {
  @Test
  void aRequestBodyIsReadOnceWithinItsLimit() throws Exception {
    assertThat(Bodies.collect(HttpRequest.BodyPublishers.ofString("hello"), 5))
        .isEqualTo("hello".getBytes());
    assertThat(
            Bodies.collect(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(new byte[3])),
                5))
        .hasSize(3);
    assertThat(Bodies.collect(HttpRequest.BodyPublishers.noBody(), 5)).isEmpty();
    assertThatThrownBy(() -> Bodies.collect(HttpRequest.BodyPublishers.ofString("hello!"), 5))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exceeds 5 bytes");
  }

  @Test
  void a402AnswerIsReadWithinItsLimit() {
    HttpResponse.BodySubscriber<byte[]> small = Bodies.limited(4);
    small.onSubscribe(new NoSubscription());
    small.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.wrap(new byte[] {3})));
    small.onComplete();
    assertThat(small.getBody().toCompletableFuture().join()).containsExactly(1, 2, 3);

    HttpResponse.BodySubscriber<byte[]> big = Bodies.limited(4);
    NoSubscription subscription = new NoSubscription();
    big.onSubscribe(subscription);
    big.onNext(List.of(ByteBuffer.wrap(new byte[5])));
    assertThat(subscription.cancelled).isTrue();
    assertThatThrownBy(() -> big.getBody().toCompletableFuture().join())
        .hasMessageContaining("the 402 answer exceeds 4 bytes");
  }

  static final class NoSubscription implements Flow.Subscription {
    boolean cancelled;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
