package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.SettleResponse;
import java.util.Map;
import java.util.Objects;

/**
 * The settlement answers about one payment, its network and payer said once. Each answer says by
 * its name whether a transaction exists: a refusal before anything was broadcast carries none (the
 * wire's empty {@code transaction}), every answer about a transaction names it. Not part of the
 * x402j API.
 *
 * @param network the network as the answer reports it
 * @param payer the payer's address, or {@code null} when it could not be read
 */
public record SettleReply(String network, String payer) {
  /** Requires the network. */
  public SettleReply {
    Objects.requireNonNull(network, "network");
  }

  /**
   * The payment was not settled, and no transaction of this attempt is on chain: nothing was
   * broadcast, or what was never reached the network.
   */
  public SettleResponse refused(ErrorReason reason, String message) {
    return SettleResponse.failure(reason, message, "", network, payer);
  }

  /** The payment was not settled by {@code transaction}, which was mined and moved no money. */
  public SettleResponse failedIn(String transaction, ErrorReason reason, String message) {
    return SettleResponse.failure(reason, message, requireHash(transaction), network, payer);
  }

  /** {@code transaction} was broadcast; its outcome is not known yet. */
  public SettleResponse pending(String transaction, String message) {
    return SettleResponse.failure(
        ErrorReason.SETTLEMENT_PENDING, message, requireHash(transaction), network, payer);
  }

  /** The payment of {@code amount} was settled by {@code transaction}. */
  public SettleResponse settled(String transaction, TokenAmount amount) {
    return new SettleResponse(
        true, null, null, requireHash(transaction), network, payer, amount, null, Map.of());
  }

  private static String requireHash(String transaction) {
    if (transaction == null || transaction.isEmpty()) {
      throw new IllegalArgumentException("an answer about a transaction needs its hash");
    }
    return transaction;
  }
}
