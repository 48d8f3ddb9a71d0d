package io.x402j.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.extensions.PaymentIdentifierExtension.Echo;
import io.x402j.core.scheme.PayerScope;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.server.GateResponse;
import io.x402j.server.PaymentGate;
import io.x402j.server.ReplayStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's side of the {@code payment-identifier} extension, run before a payment takes its
 * replay-store entry (so before verification, as the specification asks): reads the id a payment
 * carries, refuses a missing one where the route requires it, binds a new id to the payment's
 * fingerprint and answers a repeat from what the store kept. The fingerprint is built from parsed
 * values — the payment's canonical identity, the route, scheme, network, asset, payee and amount it
 * was matched to — never from the header's text, so a respelled copy of one payment is the same
 * payment and any other payment under the id is a conflict.
 *
 * <p>Ids are scoped by payer: an id is bound under the account the payment pays from (as the scheme
 * reads it from the parsed payload, scoped by {@link PayerScope} as the facilitator scopes its own
 * bindings: an EVM address in lower-case hex, a Solana key in base58), so another payer who learns
 * or guesses a buyer's id and pays under it first binds it for itself only, and the buyer's payment
 * under the id is still served. A payment naming a payer it cannot sign for binds the id until
 * verification refuses it, then unbinds it; a verified payer other than the one the payment named
 * is refused ({@link #payerMismatch}). A payment whose scheme names no payer before verification
 * keeps one id space for all such payments. Immutable and thread-safe. Not part of the x402j API.
 */
public final class IdempotentPayments {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotentPayments.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reasons listeners are told. */
  static final String REQUIRED = "payment_identifier_required";

  static final String INVALID = "invalid_payment_identifier";
  static final String CONFLICT = "payment_identifier_conflict";
  static final String IN_PROGRESS = "payment_in_progress";
  static final String USED = "payment_already_used";
  static final String PAYER_MISMATCH = "payment_identifier_payer_mismatch";

  /** What to do with a matched payment. */
  public sealed interface Check {
    /**
     * Go on with the payment.
     *
     * @param idKey the store key of its id, or {@code null} when it carries none (or the route does
     *     not declare the extension)
     * @param id its id, or {@code null}
     * @param repeat whether the id was bound to this payment before this request
     * @param fingerprint what the id is bound to, or {@code null} when there is no id
     * @param payer the canonical payer the id is scoped by ({@code <namespace>:<address>}), or
     *     {@code null} when there is no id or the scheme named no payer
     * @param contested the stored (tentative) binding of another, not yet verified payment under
     *     the id, which this payment takes over if it verifies; {@code null} when there is none
     */
    record Proceed(
        String idKey,
        PaymentIdentifier id,
        boolean repeat,
        String fingerprint,
        String payer,
        String contested)
        implements Check {
      /** Whether this request bound the id (so it unbinds it when the payment buys nothing). */
      public boolean bound() {
        return idKey != null && !repeat && contested == null;
      }
    }

    /**
     * Answer with {@code response}; nothing is verified or run.
     *
     * @param reason what listeners are told
     */
    record Answer(String reason, GateResponse response) implements Check {
      /** Validates the fields. */
      public Answer {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(response, "response");
      }
    }
  }

  /** Go on without an id. */
  public static final Check.Proceed NONE = new Check.Proceed(null, null, false, null, null, null);

  private final ReplayStore store;

  /** Keeps ids in {@code store}. */
  public IdempotentPayments(ReplayStore store) {
    if (!store.keepsPaymentIdentifiers()) {
      throw new IllegalArgumentException(
          "the payment-identifier extension needs a replay store that keeps payment identifiers;"
              + " "
              + store.getClass().getName()
              + " does not (ReplayStore.inMemory and ReplayStore.jdbc do)");
    }
    this.store = store;
  }

  /**
   * Checks {@code match}'s id against the route's declaration in {@code offer}, binding it to the
   * payment when it is new.
   *
   * @param identity the payment's canonical identity
   * @param expiresAt until when the payment can be used (the binding lasts as long)
   * @throws RuntimeException when the store fails (the caller refuses the payment)
   */
  public Check check(
      RouteOffer offer, PaymentMatch.Matched match, PaymentIdentity identity, Instant expiresAt) {
    var declared = PaymentIdentifierExtension.declared(offer.extensions());
    if (declared.isEmpty()) {
      return NONE; // this route does not speak the extension: an id is not ours to read
    }
    boolean required = declared.get().required();
    Echo echo =
        match.request() instanceof VerifyRequest v2
            ? PaymentIdentifierExtension.read(v2.paymentPayload().extensions())
            : new Echo.Absent();
    if (echo instanceof Echo.Malformed malformed) {
      return answer(400, INVALID, malformed.problem(), Map.of());
    }
    if (echo instanceof Echo.Absent) {
      if (!required) {
        return NONE;
      }
      return answer(
          400,
          REQUIRED,
          match.x402Version() == 1
              ? "this route requires the payment-identifier extension, which protocol v1 payments"
                  + " cannot carry; pay with protocol v2 and send"
                  + " extensions.payment-identifier.info.id"
              : "this route requires the payment-identifier extension:"
                  + " extensions.payment-identifier.info.id is missing",
          Map.of());
    }
    PaymentIdentifier id = ((Echo.Identified) echo).id();
    String payer = PayerScope.of(match.requirements().network(), identity.payer());
    // The payer scopes the id, so one payer's id is never another's to take; the id is compared
    // exactly (ASCII only, case-sensitive, as the specification's pattern says).
    String idKey =
        PaymentIdentifierExtension.KEY + "|" + (payer == null ? "" : payer + "|") + id.value();
    String fingerprint = fingerprint(offer, match, identity);
    // Bound tentatively until the payment verifies: the payer it names is not proven yet, and a
    // payment naming someone else's account must not hold that account's id (see confirm).
    ReplayStore.BoundIdentifier bound =
        store.bindPaymentIdentifier(idKey, tentative(fingerprint), expiresAt);
    if (bound.created()) {
      return new Check.Proceed(idKey, id, false, fingerprint, payer, null);
    }
    String stored = bound.fingerprint();
    if (stored.equals(fingerprint) || stored.equals(tentative(fingerprint))) {
      if (bound.receipt() != null) {
        return used(id, bound.receipt());
      }
      return new Check.Proceed(idKey, id, true, fingerprint, payer, null);
    }
    if (isTentative(stored) && bound.receipt() == null) {
      // Another payment under the id that has not verified: perhaps a forgery naming this payer.
      // Not a conflict yet; whichever of the two verifies first keeps the id.
      return new Check.Proceed(idKey, id, false, fingerprint, payer, stored);
    }
    return conflict(id);
  }

  private static Check.Answer conflict(PaymentIdentifier id) {
    return answer(
        409,
        CONFLICT,
        "payment-identifier "
            + Text.quote(id.value())
            + " was already used with a different payment; a new payment needs a new id",
        Map.of());
  }

  // A verified payment replaces tentative bindings this many times before giving up (each round,
  // a payment that never verifies has to have bound the id anew in between).
  private static final int CONFIRM_ATTEMPTS = 8;

  /**
   * The form a binding takes until its payment verified: the fingerprint's first hex digit replaced
   * by {@code t} (never a hex digit), as long as a fingerprint and telling itself apart.
   */
  static String tentative(String fingerprint) {
    return "t" + fingerprint.substring(1);
  }

  private static boolean isTentative(String stored) {
    return stored.startsWith("t");
  }

  /**
   * Makes {@code id}'s binding final once its payment verified (and its payer matched): its own
   * tentative binding, or the tentative binding of another payment it contested, is replaced by
   * this payment's. {@code null} when the payment may go on, else the conflict: another payment
   * under the id verified first.
   *
   * @throws RuntimeException when the store fails (the caller refuses the payment)
   */
  public Check.Answer confirm(Check.Proceed id, Instant expiresAt) {
    if (id.idKey() == null) {
      return null;
    }
    String fingerprint = id.fingerprint();
    String replaced = id.contested() != null ? id.contested() : tentative(fingerprint);
    for (int attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
      store.releasePaymentIdentifier(id.idKey(), replaced);
      ReplayStore.BoundIdentifier bound =
          store.bindPaymentIdentifier(id.idKey(), fingerprint, expiresAt);
      if (bound.created() || bound.fingerprint().equals(fingerprint)) {
        return null;
      }
      if (!isTentative(bound.fingerprint()) || bound.receipt() != null) {
        return conflict(id.id()); // another payment under the id verified first
      }
      // A copy of this payment, or another payment that has not verified (a forgery sent after
      // the one this payment contested): a verified payment wins over any tentative binding.
      replaced = bound.fingerprint();
    }
    return conflict(id.id());
  }

  /**
   * Whether the payer verification named, {@code verified}, is not the payer {@code id} is scoped
   * by: {@code false} when the id is not scoped or verification named no payer (the payment's
   * signature is then over the payer it names), {@code true} when the verified payer does not parse
   * as an account of the network or differs. Compared as parsed accounts, never as text.
   */
  public static boolean payerMismatch(
      Check.Proceed id, PaymentRequirements requirements, String verified) {
    if (id.payer() == null || verified == null || verified.isEmpty()) {
      return false;
    }
    // The same canonicalisation the facilitator scopes its bindings by; text that is no address
    // of the network's family is not the payer the payment named.
    String canonical = PayerScope.of(requirements.network(), verified);
    if (canonical == null) {
      return true;
    }
    return !canonical.equals(id.payer());
  }

  /** The answer to a payment whose verified payer is not the one it named. */
  public Check.Answer mismatch(PaymentIdentifier id) {
    return answer(
        402,
        PAYER_MISMATCH,
        "the payer the facilitator verified for the payment with payment-identifier "
            + Text.quote(id.value())
            + " is not the payer the payment names; nothing was charged",
        Map.of());
  }

  /** The answer to a repeat of {@code id} while its first request still holds the payment. */
  public Check.Answer inProgress(PaymentIdentifier id) {
    return answer(
        409,
        IN_PROGRESS,
        "the payment with payment-identifier "
            + Text.quote(id.value())
            + " is still being processed; send it again shortly to learn the outcome",
        Map.of("Retry-After", "1"));
  }

  /**
   * The answer to a repeat of {@code id} whose payment already bought its response, with the
   * receipt it was sent with ({@code null} when none was kept).
   */
  public Check.Answer used(PaymentIdentifier id, String receipt) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (receipt != null) {
      headers.put(PaymentHeader.PAYMENT_RESPONSE.headerName(), receipt);
    }
    headers.put("Access-Control-Expose-Headers", PaymentGate.EXPOSED_HEADERS);
    return answer(
        409,
        USED,
        "the payment with payment-identifier "
            + Text.quote(id.value())
            + " already bought its response, which is not sent twice"
            + (receipt != null ? "; its settlement receipt is in PAYMENT-RESPONSE" : ""),
        headers);
  }

  /**
   * Unbinds the id {@code id} bound in this request when its payment bought nothing (refused before
   * or by verification), so an unpaid payment cannot hold on to an id someone else will pay under.
   * Best effort: a store failure is logged, the payment is refused anyway.
   */
  public void unbound(Check.Proceed id) {
    if (!id.bound()) {
      return;
    }
    try {
      store.releasePaymentIdentifier(id.idKey(), tentative(id.fingerprint()));
    } catch (RuntimeException e) {
      LOG.error("replay store could not release a payment identifier: {}", e.getMessage());
    }
  }

  /**
   * Unbinds {@code paid}'s id when its admitted payment bought nothing after all (the handler
   * failed, or the settlement was refused): like a payment refused by verification, it must not
   * keep the id, else any funded payer grows the store for free with fresh ids, each kept as long
   * as its own {@code validBefore} says (centuries). Not for a resumed payment going back to
   * pending (its settlement may have moved the money). Best effort, as {@link #unbound}.
   */
  public void unsold(PaidRequest paid) {
    if (paid.paymentIdKey() == null || paid.paymentIdFingerprint() == null) {
      return;
    }
    try {
      store.releasePaymentIdentifier(paid.paymentIdKey(), paid.paymentIdFingerprint());
    } catch (RuntimeException e) {
      LOG.error("replay store could not release a payment identifier: {}", e.getMessage());
    }
  }

  /** Keeps the receipt {@code paid}'s response went out with, for repeats of its id. */
  public void settled(PaidRequest paid, Map<String, String> released) {
    if (paid.paymentIdKey() == null) {
      return;
    }
    String receipt = released.get(PaymentHeader.PAYMENT_RESPONSE.headerName());
    if (receipt == null) {
      return;
    }
    try {
      store.paymentIdentifierSettled(paid.paymentIdKey(), receipt);
    } catch (RuntimeException e) {
      // The response still goes out; a repeat of the id is then told "already used" without it.
      LOG.error("replay store could not keep a payment identifier's receipt: {}", e.getMessage());
    }
  }

  /**
   * What makes a request under an id the same request: the payment's canonical identity and what it
   * was matched to. A digest, so the store keeps a fixed-size value.
   */
  static String fingerprint(
      RouteOffer offer, PaymentMatch.Matched match, PaymentIdentity identity) {
    PaymentRequirements r = match.requirements();
    String joined =
        String.join(
            "\n",
            identity.id(),
            offer.resolved().pattern(),
            r.scheme(),
            r.network().toString(),
            r.asset(),
            r.payTo(),
            r.amount().toString());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Check.Answer answer(
      int status, String reason, String message, Map<String, String> headers) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    body.put("reason", reason);
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Cache-Control", "no-store");
    return new Check.Answer(
        reason, GateResponse.of(status, "application/json", body.toString(), all));
  }
}
