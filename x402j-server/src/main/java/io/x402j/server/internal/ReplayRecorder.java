package io.x402j.server.internal;

import io.x402j.core.TokenAmount;
import io.x402j.server.ReplayStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the replay store what became of a payment the gate holds. A store failure here is logged,
 * not passed on: the entry then stays "in use" until the payment expires, which refuses replays
 * (fail closed) and never takes away a response already paid for. (Acquiring an entry is not done
 * here: a store that cannot answer then must refuse the payment.) Not part of the x402j API.
 */
public final class ReplayRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayRecorder.class);
  // How long a payment whose settlement is pending may come back to follow it.
  private static final Duration KEEP_PENDING = Duration.ofHours(1);

  private final ReplayStore store;
  private final Clock clock;

  /** Records into {@code store}, timing pending entries with {@code clock}. */
  public ReplayRecorder(ReplayStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Nothing was bought with the payment: it may be presented again. */
  public void released(PaidRequest paid) {
    remember(() -> store.release(paid.key()));
  }

  /** The payment bought its response: refused for good. */
  public void settled(PaidRequest paid) {
    remember(() -> store.settled(paid.key()));
  }

  /**
   * The settlement's outcome is not known: the same payment may come back to follow this gate's
   * attempt.
   */
  public void pending(PaidRequest paid) {
    pending(paid, paid.match().requirements().amount());
  }

  /**
   * As {@link #pending(PaidRequest)}, keeping {@code settledAmount} (possibly {@code null}) as the
   * amount the attempt settles rather than the one in {@code paid}'s requirements.
   */
  public void pending(PaidRequest paid, TokenAmount settledAmount) {
    remember(
        () ->
            store.pending(
                paid.key(),
                paid.settlementId(),
                settledAmount,
                clock.instant().plus(KEEP_PENDING)));
  }

  /**
   * Puts back the pending entry {@code key} that a request acquired but may not follow (another
   * payment than the one that started the attempt {@code settlementId}).
   */
  public void restorePending(String key, String settlementId, TokenAmount settledAmount) {
    remember(
        () -> store.pending(key, settlementId, settledAmount, clock.instant().plus(KEEP_PENDING)));
  }

  private static void remember(Runnable update) {
    try {
      update.run();
    } catch (RuntimeException e) {
      LOG.error("replay store update failed: {}", e.getMessage());
    }
  }
}
