package io.x402j.server;

import io.x402j.core.TokenAmount;
import io.x402j.server.internal.JdbcReplayStore;
import io.x402j.server.internal.ReplayGuard;
import java.time.Clock;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Where a gate remembers the payments in use and used, so that one payment buys one response. The
 * default is in memory, which is enough for one gate. Several instances of one API must share one
 * store ({@link #jdbc}), or a payment header sent to two of them at the same moment could be served
 * by both while it settles once.
 *
 * <p>Keys identify a payment (its authorization); every method is called from request threads and
 * must be safe for concurrent use. A store that fails throws; the gate then refuses the payment
 * rather than risk serving it twice.
 */
public interface ReplayStore {
  /** What {@link #acquire} found. */
  enum Acquired {
    /** The payment is new: go ahead. */
    NEW,
    /** Its settlement was pending: go ahead and follow it, without verifying again. */
    RESUMED,
    /** Another request is using it right now. */
    BUSY,
    /** It has already bought a response. */
    USED
  }

  /**
   * What {@link #acquire} found, with the settlement attempt the request continues.
   *
   * @param state what was found
   * @param settlementId for {@link Acquired#NEW} a fresh, unguessable id, stored with the entry;
   *     for {@link Acquired#RESUMED} the id stored when the payment was first taken; otherwise
   *     {@code null}. The gate names it when it settles, so that its facilitator can tell this
   *     gate's repeat (which learns the outcome) from another server's copy (a duplicate).
   * @param settledAmount for {@link Acquired#RESUMED} the amount the pending attempt settles, as
   *     stored by {@link #pending(String, String, TokenAmount, Instant)} ({@code null} when none
   *     was stored); otherwise {@code null}. A resumed attempt settles exactly this amount again:
   *     an {@code upto} handler run again may state another, and one attempt must never carry two.
   */
  record Acquisition(Acquired state, String settlementId, TokenAmount settledAmount) {
    /** Validates the fields. */
    public Acquisition {
      java.util.Objects.requireNonNull(state, "state");
      if ((state == Acquired.NEW || state == Acquired.RESUMED) != (settlementId != null)) {
        throw new IllegalArgumentException(
            "a settlement id comes with NEW and RESUMED, and only with them");
      }
      if (settledAmount != null && state != Acquired.RESUMED) {
        throw new IllegalArgumentException("a settled amount comes with RESUMED only");
      }
    }

    /** An acquisition without a stored settled amount. */
    public Acquisition(Acquired state, String settlementId) {
      this(state, settlementId, null);
    }
  }

  /**
   * Takes {@code key} for one request until {@link #release}, {@link #settled} or {@link #pending};
   * it is remembered until {@code expiresAt}, when the payment stops being valid anyway.
   */
  Acquisition acquire(String key, Instant expiresAt);

  /**
   * Like {@link #acquire(String, Instant)}, storing {@code newSettlementId} (instead of an id of
   * the store's making) when the payment is new. The gate derives that id from the whole payment,
   * signature included, so that when the payment is {@link Acquired#RESUMED} it can tell the
   * payment that started the pending settlement from a copy that only shares its authorization
   * (payer and nonce, public in the transaction) and refuse the copy before its handler runs.
   * Stores should override this; the default ignores the id, and a payment resumed from such a
   * store is then followed whatever its signature (the behaviour before this method existed).
   *
   * @param newSettlementId at most 128 URL-safe characters
   */
  default Acquisition acquire(String key, Instant expiresAt, String newSettlementId) {
    return acquire(key, expiresAt);
  }

  /** A fresh settlement id: 32 random bytes, URL-safe base64 without padding. */
  static String newSettlementId() {
    byte[] bytes = new byte[32];
    SettlementIds.RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The payment was not used (refused, or its handler failed): it may be presented again. */
  void release(String key);

  /** The payment bought its response. */
  void settled(String key);

  /**
   * Its settlement's outcome is not known yet: it may be presented again to follow it, continuing
   * the attempt {@code settlementId}, which settles {@code settledAmount} (the amount in the
   * requirements sent to {@code /settle}; for {@code upto} the handler's actual charge). Called by
   * the request that holds the payment, when it stops waiting. The store must hand both back with
   * {@link Acquired#RESUMED}, so that the resumed attempt settles the same amount.
   */
  void pending(String key, String settlementId, TokenAmount settledAmount, Instant keepUntil);

  /**
   * {@link #pending(String, String, TokenAmount, Instant)} without a settled amount: a resumed
   * {@code upto} payment is then refused rather than settled (its amount is not known).
   */
  default void pending(String key, String settlementId, Instant keepUntil) {
    pending(key, settlementId, null, keepUntil);
  }

  /**
   * A {@code payment-identifier} id as a store holds it (see {@link #bindPaymentIdentifier}).
   *
   * @param fingerprint the fingerprint of the payment first presented with the id
   * @param receipt the {@code PAYMENT-RESPONSE} header value sent when that payment settled, or
   *     {@code null} while it has not
   * @param created whether this call bound the id (it was new, or its old binding had expired)
   */
  record BoundIdentifier(String fingerprint, String receipt, boolean created) {
    /** Validates the fields. */
    public BoundIdentifier {
      java.util.Objects.requireNonNull(fingerprint, "fingerprint");
    }
  }

  /**
   * Whether this store keeps {@code payment-identifier} ids ({@link #bindPaymentIdentifier}, {@link
   * #paymentIdentifierSettled}). A gate with the {@link PaymentIdentifiers} extension needs one
   * that does. Default: no (stores written before the extension).
   */
  default boolean keepsPaymentIdentifiers() {
    return false;
  }

  /**
   * Binds the {@code payment-identifier} id {@code idKey} to {@code fingerprint} unless it is bound
   * already (and not expired), in one atomic step across every gate sharing the store, and returns
   * the binding now held: the first payment presented with an id owns it until {@code expiresAt}.
   *
   * @throws UnsupportedOperationException when {@link #keepsPaymentIdentifiers} is false
   */
  default BoundIdentifier bindPaymentIdentifier(
      String idKey, String fingerprint, Instant expiresAt) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not keep payment identifiers");
  }

  /**
   * The payment bound to {@code idKey} settled and its response went out with the {@code
   * PAYMENT-RESPONSE} header {@code receipt}, kept so that a repeat of the id can be told the
   * outcome.
   *
   * @throws UnsupportedOperationException when {@link #keepsPaymentIdentifiers} is false
   */
  default void paymentIdentifierSettled(String idKey, String receipt) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not keep payment identifiers");
  }

  /**
   * Unbinds {@code idKey} if it is still bound to {@code fingerprint} and its payment has not
   * settled: the payment first presented with the id bought nothing (refused by the facilitator, or
   * in use or used by another request), so the id does not stay with it. Without this, anyone who
   * sees a buyer's id could bind it to an unpaid payment and lock the buyer's real one out.
   *
   * @throws UnsupportedOperationException when {@link #keepsPaymentIdentifiers} is false
   */
  default void releasePaymentIdentifier(String idKey, String fingerprint) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not keep payment identifiers");
  }

  /** A store in this process's memory, expiring entries by {@code clock}. */
  static ReplayStore inMemory(Clock clock) {
    return new ReplayGuard(clock);
  }

  /**
   * A store in a SQL database shared by every instance of the API: PostgreSQL or SQLite (any
   * database with {@code INSERT … ON CONFLICT}). Creates its tables, {@code x402j_gate_payments}
   * and {@code x402j_gate_payment_ids} (payment identifiers), if they are missing. The caller owns
   * {@code dataSource} (a connection pool, typically).
   */
  static ReplayStore jdbc(DataSource dataSource) {
    return JdbcReplayStore.open(dataSource, Clock.systemUTC());
  }

  /** Holds the random source of {@link #newSettlementId}. */
  final class SettlementIds {
    static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private SettlementIds() {}
  }
}
