package io.x402j.client;

import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import java.util.List;
import java.util.Optional;

/**
 * What the buyer verified of the seller's {@code offer-receipt} artifacts for one payment: the
 * signed offer matching the terms it paid (signature valid, same scheme, network, asset, payee and
 * amount, same resource, not expired) and the signed receipt of the answer (signature valid, same
 * signer as the offer, same resource and network, this buyer as payer, issued recently). Payments
 * are never refused for these: a mismatch is reported in {@link #problems()} (and logged), so the
 * caller decides. The artifacts themselves are kept for use as evidence outside x402.
 *
 * <p>Signer authorization (spec §4.5.1) is only judged in its simplest form: {@link
 * #offerSignedByPayTo()} says whether an EIP-712 offer was signed by the {@code payTo} key; a JWS
 * signer is named by its {@code kid} for the caller to check (DID document, DNS, registry).
 *
 * @param offer the verified offer matching the paid terms, or {@code null}
 * @param offerSigner its signer (address or {@code kid}), or {@code null}
 * @param offerSignedByPayTo whether an EIP-712 offer was signed by its {@code payTo} address
 * @param receipt the verified receipt, or {@code null} (none, or it failed)
 * @param receiptSigner its signer, or {@code null}
 * @param problems what did not verify or match, empty when all did
 */
public record OfferReceiptCheck(
    OfferPayload offer,
    String offerSigner,
    boolean offerSignedByPayTo,
    ReceiptPayload receipt,
    String receiptSigner,
    List<String> problems) {
  /** Copies the problems. */
  public OfferReceiptCheck {
    problems = List.copyOf(problems);
  }

  /** Whether a signed receipt verified and matched the verified offer, with no problem at all. */
  public boolean verified() {
    return offer != null && receipt != null && problems.isEmpty();
  }

  /** The verified offer, if one matched. */
  public Optional<OfferPayload> verifiedOffer() {
    return Optional.ofNullable(offer);
  }

  /** The verified receipt, if any. */
  public Optional<ReceiptPayload> verifiedReceipt() {
    return Optional.ofNullable(receipt);
  }
}
