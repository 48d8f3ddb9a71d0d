package io.x402j.client.internal;

import io.x402j.client.OfferReceiptCheck;
import io.x402j.core.extensions.offerreceipt.OfferPayload;
import io.x402j.core.extensions.offerreceipt.OfferReceipt;
import io.x402j.core.extensions.offerreceipt.ReceiptPayload;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.OfferReceiptVerifier;
import io.x402j.evm.OfferReceiptVerifier.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The buyer's checks of {@code offer-receipt}: the offer when paying, the receipt when the answer
 * comes. Not part of the x402j API.
 */
public final class OfferReceiptChecks {
  /** A receipt older than this when it arrives is reported (the official client's default). */
  static final long MAX_RECEIPT_AGE_SECONDS = 3600;

  /** Clock skew tolerated for a receipt issued "in the future". */
  static final long SKEW_SECONDS = 300;

  private final OfferReceiptVerifier verifier;

  /** Checks with {@code verifier}. */
  public OfferReceiptChecks(OfferReceiptVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * The check of the 402's signed offers against the chosen terms, or {@code null} when the 402
   * signed none.
   */
  public OfferReceiptCheck offer(
      Map<String, Object> extensions, String resourceUrl, PaymentRequirements paid, Instant now) {
    List<Map<String, Object>> offers = OfferReceipt.offers(extensions);
    if (offers.isEmpty()) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (Map<String, Object> artifact : offers) {
      Outcome<OfferPayload> outcome = verifier.verifyOffer(artifact);
      if (!outcome.ok()) {
        invalid.add(outcome.problem());
        continue;
      }
      OfferPayload offer = outcome.verified().payload();
      if (!matches(offer, paid)) {
        continue;
      }
      if (!offer.resourceUrl().equals(resourceUrl)) {
        problems.add(
            "the signed offer is for "
                + Text.quote(offer.resourceUrl())
                + ", the 402 is for "
                + Text.quote(resourceUrl));
      }
      if (offer.validUntil() != 0 && now.getEpochSecond() > offer.validUntil()) {
        problems.add("the signed offer expired at " + Instant.ofEpochSecond(offer.validUntil()));
      }
      String signer = outcome.verified().signer();
      return new OfferReceiptCheck(
          offer, signer, outcome.verified().signedBy(offer.payTo()), null, null, problems);
    }
    problems.add("no valid signed offer matches the paid terms " + describe(paid));
    problems.addAll(invalid);
    return new OfferReceiptCheck(null, null, false, null, null, problems);
  }

  /**
   * {@code offer} (may be {@code null}) completed with the receipt of {@code settlement}; {@code
   * null} when there is neither.
   *
   * @param payer the address this buyer paid from, or {@code null} when unknown
   */
  public OfferReceiptCheck receipt(
      OfferReceiptCheck offer,
      SettleResponse settlement,
      PaymentRequirements paid,
      String resourceUrl,
      String payer,
      Instant now) {
    Map<String, Object> artifact =
        settlement == null ? null : OfferReceipt.receipt(settlement.extensions()).orElse(null);
    if (artifact == null) {
      return offer;
    }
    List<String> problems = new ArrayList<>(offer == null ? List.of() : offer.problems());
    Outcome<ReceiptPayload> outcome = verifier.verifyReceipt(artifact);
    if (!outcome.ok()) {
      problems.add(outcome.problem());
      return copy(offer, null, null, problems);
    }
    ReceiptPayload r = outcome.verified().payload();
    String signer = outcome.verified().signer();
    if (offer != null && offer.offerSigner() != null && !offer.offerSigner().equals(signer)) {
      problems.add(
          "the receipt is signed by "
              + Text.quote(signer)
              + ", the offer by "
              + Text.quote(offer.offerSigner()));
    }
    String expectedUrl =
        offer != null && offer.offer() != null ? offer.offer().resourceUrl() : resourceUrl;
    if (!r.resourceUrl().equals(expectedUrl)) {
      problems.add(
          "the receipt is for " + Text.quote(r.resourceUrl()) + ", not " + Text.quote(expectedUrl));
    }
    if (!r.network().equals(paid.network().toString())) {
      problems.add(
          "the receipt is for network "
              + Text.quote(r.network())
              + ", the payment was on "
              + paid.network());
    }
    if (payer != null && !samePayer(r.payer(), payer)) {
      problems.add(
          "the receipt names payer " + Text.quote(r.payer()) + ", this buyer paid as " + payer);
    }
    long age = now.getEpochSecond() - r.issuedAt();
    if (age > MAX_RECEIPT_AGE_SECONDS || age < -SKEW_SECONDS) {
      problems.add(
          "the receipt was issued at " + Instant.ofEpochSecond(r.issuedAt()) + ", not just now");
    }
    if (!r.transaction().isEmpty()
        && settlement.transaction() != null
        && !r.transaction().equalsIgnoreCase(settlement.transaction())) {
      problems.add(
          "the receipt names transaction "
              + Text.quote(r.transaction())
              + ", the settlement "
              + Text.quote(settlement.transaction()));
    }
    return copy(offer, r, signer, problems);
  }

  private static OfferReceiptCheck copy(
      OfferReceiptCheck offer, ReceiptPayload receipt, String signer, List<String> problems) {
    return new OfferReceiptCheck(
        offer == null ? null : offer.offer(),
        offer == null ? null : offer.offerSigner(),
        offer != null && offer.offerSignedByPayTo(),
        receipt,
        signer,
        problems);
  }

  private static boolean matches(OfferPayload offer, PaymentRequirements paid) {
    return offer.scheme().equals(paid.scheme())
        && offer.network().equals(paid.network().toString())
        && sameAddress(offer.asset(), paid.asset())
        && sameAddress(offer.payTo(), paid.payTo())
        && offer.amount().equals(paid.amount().value().toString());
  }

  /** EVM addresses by value (any case), anything else (Solana base58) exactly. */
  private static boolean sameAddress(String a, String b) {
    if (EvmAddress.isValid(a) && EvmAddress.isValid(b)) {
      return EvmAddress.parse(a).equals(EvmAddress.parse(b));
    }
    return a.equals(b);
  }

  private static boolean samePayer(String a, String b) {
    return sameAddress(a, b);
  }

  private static String describe(PaymentRequirements r) {
    return r.scheme()
        + " "
        + r.amount()
        + " of "
        + r.asset()
        + " to "
        + r.payTo()
        + " on "
        + r.network();
  }
}
