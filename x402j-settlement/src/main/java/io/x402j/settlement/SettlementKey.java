package io.x402j.settlement;

import io.x402j.core.Network;
import io.x402j.settlement.internal.Canonical;
import java.util.Objects;

/**
 * What makes a settlement unique, whatever the chain: a payment can move money once, so a ledger
 * allows one settlement per key. The payment id is the canonical form of what the scheme's chain
 * uses to refuse a replay, derived from parsed values only, so that every spelling of one payment
 * has one key: for the exact scheme on EVM chains (EIP-3009) the token, payer and authorization
 * nonce; on Solana the transaction's signature; for Permit2 the owner and its {@code uint256}
 * nonce. Each engine documents its form.
 *
 * @param network the chain
 * @param scheme the payment scheme, e.g. {@code exact}
 * @param paymentId the scheme's canonical payment id: 1 to {@value #MAX_PAYMENT_ID_LENGTH}
 *     printable ASCII characters without whitespace
 */
public record SettlementKey(Network network, String scheme, String paymentId) {
  /** The longest payment id a ledger holds. */
  public static final int MAX_PAYMENT_ID_LENGTH = 256;

  /** The longest scheme name a ledger holds. */
  public static final int MAX_SCHEME_LENGTH = 32;

  /** Validates the fields. */
  public SettlementKey {
    Objects.requireNonNull(network, "network");
    Canonical.token(scheme, "scheme", MAX_SCHEME_LENGTH);
    Canonical.token(paymentId, "payment id", MAX_PAYMENT_ID_LENGTH);
  }

  @Override
  public String toString() {
    return network + "/" + scheme + "/" + paymentId;
  }
}
