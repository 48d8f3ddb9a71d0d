package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.server.internal.SupportedKinds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gate's {@code /supported} cache: an answer is kept for {@link SupportedKinds#TTL}, a failure
 * only for {@link SupportedKinds#RETRY_AFTER} from when it failed, so a facilitator that is down is
 * not asked on every 402 of a Permit2, upto or Solana route, and is asked again soon.
 */
class SupportedKindsTest {
  static final SupportedResponse ANSWER =
      new SupportedResponse(List.of(), List.of(), Map.of(), Map.of());

  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  final List<CompletableFuture<SupportedResponse>> asked = new ArrayList<>();
  final SupportedKinds kinds = new SupportedKinds(new Asked(), clock);

  final class Asked implements Facilitator {
    @Override
    public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<SupportedResponse> supported() {
      CompletableFuture<SupportedResponse> question = new CompletableFuture<>();
      asked.add(question);
      return question;
    }
  }

  @Test
  void anAnswerIsKeptForTheTtl() {
    kinds.get().complete(ANSWER);
    clock.advance(SupportedKinds.TTL.minusSeconds(1));
    assertThat(kinds.get().join()).isSameAs(ANSWER);
    assertThat(asked).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    kinds.get();
    assertThat(asked).hasSize(2);
  }

  @Test
  void aQuestionInFlightIsShared() {
    assertThat(kinds.get()).isSameAs(kinds.get());
    assertThat(asked).hasSize(1);
  }

  @Test
  void aFailureIsKeptBrieflyThenAskedAgain() {
    kinds.get().completeExceptionally(new IllegalStateException("down"));

    clock.advance(SupportedKinds.RETRY_AFTER.minusMillis(1));
    assertThat(kinds.get()).isCompletedExceptionally();
    assertThat(asked).hasSize(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(kinds.get()).isNotCompletedExceptionally();
    assertThat(asked).hasSize(2);
  }

  @Test
  void theRetryDelayCountsFromTheFailureNotTheQuestion() {
    CompletableFuture<SupportedResponse> slow = kinds.get();
    clock.advance(Duration.ofSeconds(30)); // a facilitator that took its time to fail
    slow.completeExceptionally(new IllegalStateException("timed out"));

    assertThat(kinds.get()).isSameAs(slow);
    assertThat(asked).hasSize(1);

    clock.advance(SupportedKinds.RETRY_AFTER);
    kinds.get();
    assertThat(asked).hasSize(2);
  }
}
