package io.x402j.evm.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRecord;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.Submission;
import io.x402j.settlement.Transfer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One exact-scheme EIP-3009 payment as the EVM engine identifies it (the token, the payer and the
 * authorization nonce on one chain), and every mapping between EVM values and the scheme-neutral
 * ledger. Not part of the x402j API.
 *
 * <p>The ledger's payment id is {@code <asset>:<payer>:<nonce>}: both addresses as {@code 0x} and
 * 40 lower-case hex digits, the nonce as {@code 0x} and 64, so every field has a fixed width and
 * the id has one spelling (152 characters). It is derived from parsed values only, so every
 * spelling of one authorization is one payment. Addresses in the ledger are lower-case hex; a
 * submission's sequence is the signer's account nonce.
 *
 * @param network the chain
 * @param asset the token
 * @param payer the authorizing account
 * @param nonce the authorization nonce
 */
public record EvmLedgerKey(Network network, EvmAddress asset, EvmAddress payer, Bytes32 nonce) {
  /** The scheme the EVM engine settles. */
  public static final String SCHEME = "exact";

  /** The record detail holding the authorization nonce, shown by the facilitator's API. */
  public static final String NONCE_DETAIL = "nonce";

  /** Validates the fields. */
  public EvmLedgerKey {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(payer, "payer");
    Objects.requireNonNull(nonce, "nonce");
  }

  /** The canonical payment id: {@code <asset>:<payer>:<nonce>} in lower-case hex. */
  public String paymentId() {
    return asset.toLowerHex() + ":" + payer.toLowerHex() + ":" + nonce;
  }

  /** The key of this payment in the ledger. */
  public SettlementKey ledgerKey() {
    return new SettlementKey(network, SCHEME, paymentId());
  }

  /**
   * The payment a ledger key names, when it is an exact-scheme payment on an EVM chain in the
   * canonical form; empty for another engine's key.
   */
  public static Optional<EvmLedgerKey> from(SettlementKey key) {
    if (!key.network().isEvm() || !SCHEME.equals(key.scheme())) {
      return Optional.empty();
    }
    String[] parts = key.paymentId().split(":", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      EvmLedgerKey parsed =
          new EvmLedgerKey(
              key.network(),
              EvmAddress.parse(parts[0]),
              EvmAddress.parse(parts[1]),
              Bytes32.parse(parts[2]));
      // Only the canonical spelling names a payment: another spelling is not this engine's key.
      return parsed.paymentId().equals(key.paymentId()) ? Optional.of(parsed) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The payment a ledger key names.
   *
   * @throws IllegalArgumentException when it is not an exact-scheme EVM payment id
   */
  public static EvmLedgerKey of(SettlementKey key) {
    return from(key)
        .orElseThrow(() -> new IllegalArgumentException("not an exact-scheme EVM payment: " + key));
  }

  /** What the engine asks the ledger to claim for this payment. */
  public SettlementRequest request(
      String fingerprint, EvmAddress payTo, TokenAmount amount, String settlementId) {
    return new SettlementRequest(
        ledgerKey(),
        fingerprint,
        new Transfer(asset.toLowerHex(), payer.toLowerHex(), payTo.toLowerHex(), amount),
        Map.of(NONCE_DETAIL, nonce.toString()),
        settlementId);
  }

  /** A signed EVM transaction as the ledger keeps it. */
  public static Submission submission(
      String transactionHash, EvmAddress signer, long accountNonce, String rawHex) {
    return new Submission(transactionHash, signer.toLowerHex(), accountNonce, rawHex);
  }

  /** The account that signed a submission. */
  public static EvmAddress signer(Submission submission) {
    return EvmAddress.parse(submission.signer());
  }

  /** The signer's account nonce a submission uses. */
  public static long accountNonce(Submission submission) {
    Long sequence = submission.sequence();
    if (sequence == null) {
      throw new IllegalArgumentException(
          "EVM submission " + submission.transaction() + " has no account nonce");
    }
    return sequence;
  }

  /** The recipient of a record. */
  public static EvmAddress payTo(SettlementRecord record) {
    return EvmAddress.parse(record.payTo());
  }
}
