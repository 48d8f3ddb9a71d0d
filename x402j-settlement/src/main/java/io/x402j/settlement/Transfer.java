package io.x402j.settlement;

import io.x402j.core.TokenAmount;
import io.x402j.settlement.internal.Canonical;
import java.util.Objects;

/**
 * What a payment moves: {@code amount} of {@code asset} from {@code payer} to {@code payTo}.
 * Addresses are the canonical strings of their chain (lower-case hex on EVM chains, base58 on
 * Solana), so a ledger compares them as text.
 *
 * @param asset the token (an ERC-20 contract, a Solana mint)
 * @param payer the account whose balance pays
 * @param payTo the recipient
 * @param amount the amount in the token's atomic units
 */
public record Transfer(String asset, String payer, String payTo, TokenAmount amount) {
  /** The longest address a ledger holds. */
  public static final int MAX_ADDRESS_LENGTH = 128;

  /** Validates the fields. */
  public Transfer {
    Canonical.token(asset, "asset", MAX_ADDRESS_LENGTH);
    Canonical.token(payer, "payer", MAX_ADDRESS_LENGTH);
    Canonical.token(payTo, "payTo", MAX_ADDRESS_LENGTH);
    Objects.requireNonNull(amount, "amount");
  }
}
