package io.x402j.core.extensions.offerreceipt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs offers and receipts in one format. {@link #jws} signs compact JWS; {@code
 * io.x402j.evm.OfferReceiptEip712#signer} signs EIP-712. Implementations are thread-safe.
 */
public interface OfferReceiptSigner {
  /** {@code eip712} or {@code jws}. */
  String format();

  /** The signed offer {@code {format, payload?, signature}} (without {@code acceptIndex}). */
  Map<String, Object> signOffer(OfferPayload payload);

  /** The signed receipt {@code {format, payload?, signature}}. */
  Map<String, Object> signReceipt(ReceiptPayload payload);

  /** A signer of compact JWS artifacts ({@code payload} is inside the JWS, not beside it). */
  static OfferReceiptSigner jws(Jws.Signer signer) {
    Objects.requireNonNull(signer, "signer");
    return new OfferReceiptSigner() {
      @Override
      public String format() {
        return OfferReceipt.JWS;
      }

      @Override
      public Map<String, Object> signOffer(OfferPayload payload) {
        return artifact(Jws.sign(payload.toMap(), signer));
      }

      @Override
      public Map<String, Object> signReceipt(ReceiptPayload payload) {
        return artifact(Jws.sign(payload.toMap(false), signer));
      }

      private Map<String, Object> artifact(String jws) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", OfferReceipt.JWS);
        out.put("signature", jws);
        return out;
      }

      @Override
      public String toString() {
        return "OfferReceiptSigner.jws[" + signer.kid() + "]";
      }
    };
  }
}
