package io.x402j.evm;

import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceipt;
import io.x402j.core.extensions.offerreceipt.OfferReceiptSigner;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * EIP-712 offers and receipts (spec §3.2, §4.3, §5.3): domain {@code {name: "x402 offer" | "x402
 * receipt", version: "1", chainId: 1}} whatever the payment's network, and the fixed {@code Offer}
 * and {@code Receipt} types, which are never transmitted. An absent {@code validUntil} is 0, an
 * absent {@code transaction} is {@code ""}.
 */
public final class OfferReceiptEip712 {
  private static final byte[] DOMAIN_TYPE =
      Keccak.hash("EIP712Domain(string name,string version,uint256 chainId)");
  private static final byte[] OFFER_TYPE =
      Keccak.hash(
          "Offer(uint256 version,string resourceUrl,string scheme,string network,string asset,"
              + "string payTo,string amount,uint256 validUntil)");
  private static final byte[] RECEIPT_TYPE =
      Keccak.hash(
          "Receipt(uint256 version,string network,string resourceUrl,string payer,"
              + "uint256 issuedAt,string transaction)");
  private static final byte[] OFFER_DOMAIN = domain("x402 offer");
  private static final byte[] RECEIPT_DOMAIN = domain("x402 receipt");

  private OfferReceiptEip712() {}

  /** The digest an offer's signer signs. */
  public static Bytes32 digest(OfferPayload p) {
    return typed(
        OFFER_DOMAIN,
        Keccak.hash(
            OFFER_TYPE,
            uint(p.version()),
            text(p.resourceUrl()),
            text(p.scheme()),
            text(p.network()),
            text(p.asset()),
            text(p.payTo()),
            text(p.amount()),
            uint(p.validUntil())));
  }

  /** The digest a receipt's signer signs. */
  public static Bytes32 digest(ReceiptPayload p) {
    return typed(
        RECEIPT_DOMAIN,
        Keccak.hash(
            RECEIPT_TYPE,
            uint(p.version()),
            text(p.network()),
            text(p.resourceUrl()),
            text(p.payer()),
            uint(p.issuedAt()),
            text(p.transaction())));
  }

  /**
   * A signer of EIP-712 offers and receipts with {@code signer}'s key. The simplest authorization a
   * buyer can check is the {@code payTo} key signing (spec §4.5.1); a dedicated key is safer.
   */
  public static OfferReceiptSigner signer(Signer signer) {
    Objects.requireNonNull(signer, "signer");
    return new OfferReceiptSigner() {
      @Override
      public String format() {
        return OfferReceipt.EIP712;
      }

      @Override
      public Map<String, Object> signOffer(OfferPayload payload) {
        Map<String, Object> body = payload.toMap();
        body.put("validUntil", payload.validUntil()); // the fixed schema always has it
        return artifact(body, signer.sign(digest(payload)));
      }

      @Override
      public Map<String, Object> signReceipt(ReceiptPayload payload) {
        return artifact(payload.toMap(true), signer.sign(digest(payload)));
      }

      @Override
      public String toString() {
        return "OfferReceiptEip712.signer[" + signer.address() + "]";
      }
    };
  }

  /**
   * The address that signed an offer, from its signature.
   *
   * @throws IllegalArgumentException if the signature is malformed or recovers to nothing
   */
  public static EvmAddress recover(OfferPayload payload, String signature) {
    return recover(digest(payload), signature);
  }

  /**
   * The address that signed a receipt, from its signature.
   *
   * @throws IllegalArgumentException if the signature is malformed or recovers to nothing
   */
  public static EvmAddress recover(ReceiptPayload payload, String signature) {
    return recover(digest(payload), signature);
  }

  private static EvmAddress recover(Bytes32 digest, String signature) {
    EvmAddress signer = Signature.parse(signature).recoverSigner(digest);
    if (signer == null) {
      throw new IllegalArgumentException("the signature recovers to no key");
    }
    return signer;
  }

  private static Map<String, Object> artifact(Map<String, Object> payload, Signature signature) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format", OfferReceipt.EIP712);
    out.put("payload", payload);
    out.put("signature", signature.toString());
    return out;
  }

  private static byte[] domain(String name) {
    return Keccak.hash(DOMAIN_TYPE, Keccak.hash(name), Keccak.hash("1"), uint(1));
  }

  private static Bytes32 typed(byte[] domain, byte[] struct) {
    return Bytes32.of(Keccak.hash(new byte[] {0x19, 0x01}, domain, struct));
  }

  private static byte[] text(String value) {
    return Keccak.hash(value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] uint(long value) {
    return Abi.unsigned(BigInteger.valueOf(value), 32);
  }
}
