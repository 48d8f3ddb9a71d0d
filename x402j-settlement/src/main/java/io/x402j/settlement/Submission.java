package io.x402j.settlement;

import io.x402j.settlement.internal.Canonical;
import java.util.Map;

/**
 * The transaction that settles a payment, recorded before it is broadcast so that a crash between
 * broadcast and outcome cannot lose it, and so it can be broadcast again.
 *
 * @param transaction the transaction's id on its chain (an EVM transaction hash, a Solana signature
 *     of up to 88 base58 characters)
 * @param signer the facilitator account that signed it (and pays its fee)
 * @param sequence the signer's sequence number it uses (an EVM account nonce), or {@code null}
 *     where the chain has none
 * @param raw the signed transaction as the chain accepts it (hex on EVM chains, base64 on Solana)
 * @param details anything else the engine needs to judge or resend it (e.g. the last block height
 *     at which a Solana transaction is valid); see {@link Canonical#details} for the limits
 */
public record Submission(
    String transaction, String signer, Long sequence, String raw, Map<String, String> details) {
  /** The longest transaction id a ledger holds. */
  public static final int MAX_TRANSACTION_LENGTH = 128;

  /** The longest signed transaction a ledger holds, in characters. */
  public static final int MAX_RAW_LENGTH = 1 << 20;

  /** Validates the fields. */
  public Submission {
    Canonical.token(transaction, "transaction", MAX_TRANSACTION_LENGTH);
    Canonical.token(signer, "signer", Transfer.MAX_ADDRESS_LENGTH);
    Canonical.token(raw, "raw transaction", MAX_RAW_LENGTH);
    details = Canonical.details(details, "submission details");
  }

  /** A submission without details. */
  public Submission(String transaction, String signer, Long sequence, String raw) {
    this(transaction, signer, sequence, raw, Map.of());
  }
}
