package io.x402j.evm.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.evm.EvmAddress;
import io.x402j.settlement.SettlementKey;
import io.x402j.settlement.SettlementRequest;
import io.x402j.settlement.Transfer;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One Permit2 payment (exact through the exact proxy, or upto through the upto proxy) as the EVM
 * engine identifies it: the owner and its Permit2 {@code uint256} nonce on one chain. Permit2
 * nonces are per owner, across tokens and spenders, so an exact and an upto payment with the same
 * owner and nonce are one payment to the ledger: only one of them can ever move money. Not part of
 * the x402j API.
 *
 * <p>The ledger key is scheme {@value #SCHEME} (the nonce space, not the x402 scheme) and the
 * payment id {@code <owner>:<nonce>}: the owner as {@code 0x} and 40 lower-case hex digits, the
 * nonce as {@code 0x} and 64 lower-case hex digits, so the id has one spelling (109 characters)
 * derived from parsed values only.
 *
 * @param network the chain
 * @param owner the account that signed the permit
 * @param nonce the Permit2 nonce, a uint256
 */
public record Permit2LedgerKey(Network network, EvmAddress owner, BigInteger nonce) {
  /** The ledger scheme of Permit2 payments, exact and upto alike (one nonce space). */
  public static final String SCHEME = "permit2";

  /** The record detail holding the Permit2 nonce (decimal). */
  public static final String NONCE_DETAIL = "permit2Nonce";

  /** The record detail naming the x402 scheme that claimed the payment. */
  public static final String SCHEME_DETAIL = "scheme";

  /** The detail naming the EIP-2612 permit nonce a sponsored settlement submits (decimal). */
  public static final String EIP2612_NONCE_DETAIL = "eip2612Nonce";

  private static final Pattern ID = Pattern.compile("0x[0-9a-f]{40}:0x[0-9a-f]{64}");
  private static final BigInteger UINT256_LIMIT = BigInteger.ONE.shiftLeft(256);

  /** Validates the fields: the nonce must be a uint256. */
  public Permit2LedgerKey {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(nonce, "nonce");
    if (nonce.signum() < 0 || nonce.compareTo(UINT256_LIMIT) >= 0) {
      throw new IllegalArgumentException("a Permit2 nonce is a uint256: " + nonce);
    }
  }

  /** The canonical payment id: {@code <owner>:<nonce>} in lower-case hex, fixed width. */
  public String paymentId() {
    String hex = nonce.toString(16);
    return owner.toLowerHex() + ":0x" + "0".repeat(64 - hex.length()) + hex;
  }

  /** The key of this payment in the ledger. */
  public SettlementKey ledgerKey() {
    return new SettlementKey(network, SCHEME, paymentId());
  }

  /** The bit of that word that says the nonce is used. */
  public int bitmapBit() {
    return nonce.intValue() & 0xff;
  }

  /**
   * The payment a ledger key names, when it is a Permit2 payment on an EVM chain in the canonical
   * form; empty for any other key.
   */
  public static Optional<Permit2LedgerKey> from(SettlementKey key) {
    if (!key.network().isEvm()
        || !SCHEME.equals(key.scheme())
        || !ID.matcher(key.paymentId()).matches()) {
      return Optional.empty();
    }
    String[] parts = key.paymentId().split(":", -1);
    return Optional.of(
        new Permit2LedgerKey(
            key.network(), EvmAddress.parse(parts[0]), new BigInteger(parts[1].substring(2), 16)));
  }

  /** What the engine asks the ledger to claim for this payment. */
  public SettlementRequest request(
      String fingerprint,
      String scheme,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      String settlementId) {
    return request(fingerprint, scheme, asset, payTo, amount, settlementId, null);
  }

  /**
   * What the engine asks the ledger to claim for this payment, with the nonce of the EIP-2612
   * permit it submits (eip2612GasSponsoring; {@code null} for none), so that facilitators sharing
   * the ledger see which permit a settlement in flight uses.
   */
  public SettlementRequest request(
      String fingerprint,
      String scheme,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      String settlementId,
      BigInteger eip2612Nonce) {
    Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put(NONCE_DETAIL, nonce.toString());
    details.put(SCHEME_DETAIL, scheme);
    if (eip2612Nonce != null) {
      details.put(EIP2612_NONCE_DETAIL, eip2612Nonce.toString());
    }
    return new SettlementRequest(
        ledgerKey(),
        fingerprint,
        new Transfer(asset.toLowerHex(), owner.toLowerHex(), payTo.toLowerHex(), amount),
        details,
        settlementId);
  }
}
