package io.x402j.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.extensions.PaymentIdentifierExtension.Echo;
import io.x402j.core.scheme.PayerScope;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.facilitator.PaymentIdentifierStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facilitator's side of the {@code payment-identifier} extension: reads the id a payment
 * carries, fingerprints the payment from parsed values (the scheme's canonical payment identity and
 * the scheme, network, asset, payee and amount it is paid for), and keeps, in a {@link
 * PaymentIdentifierStore}, which payment each payer's id was settled with. {@code /verify} only
 * reads ({@link #conflicting}); an id is bound when a settlement of its payment begins ({@link
 * #bind}) and released again when that settlement fails before anything was broadcast ({@link
 * #release}), so the store holds ids of payments that settled or are settling, never of payments
 * that were only verified. Immutable and thread-safe. Not part of the x402j API.
 */
public final class IdentifierBindings {
  private static final Logger LOG = LoggerFactory.getLogger(IdentifierBindings.class);

  /** The longest a binding is kept, whatever the payment's validity says. */
  public static final Duration MAX_RETENTION = Duration.ofDays(30);

  /** What a payment says about its id. */
  public sealed interface Check {
    /** The payment carries no id. */
    record None() implements Check {}

    /**
     * The extension is there but unusable.
     *
     * @param problem what is wrong, naming the field
     */
    record Malformed(String problem) implements Check {}

    /**
     * The payment carries {@code id}.
     *
     * @param fingerprint the payment's fingerprint
     * @param validBefore when the payment stops being usable, or {@code null} when unknown
     */
    record Identified(PaymentIdentifier id, String fingerprint, Instant validBefore)
        implements Check {}
  }

  /**
   * What binding an id for a settlement did.
   *
   * @param scope the payer the id was bound under, or {@code null} when the payment named no usable
   *     payer (nothing was bound)
   * @param binding the binding in force afterwards, or {@code null} when nothing was bound
   */
  public record Claim(String scope, PaymentIdentifierStore.Binding binding) {
    /** Whether the payment may be settled: the id is bound to it, or could not be scoped. */
    public boolean admits(Check.Identified payment) {
      return binding == null || binding.fingerprint().equals(payment.fingerprint());
    }

    /** Whether this claim made the binding, and so releases it should the settlement fail. */
    public boolean created() {
      return binding != null && binding.created();
    }
  }

  private static final Check NONE = new Check.None();
  private static final int BIND_ROUNDS = 4;

  private final PaymentIdentifierStore store;
  private final Executor blocking;
  private final Clock clock;
  private final Duration retention;

  /**
   * Bindings in {@code store}.
   *
   * @param blocking runs the store's calls, which may block
   * @param retention how long a binding is kept at least (longer while the payment is valid, up to
   *     {@link #MAX_RETENTION})
   */
  public IdentifierBindings(
      PaymentIdentifierStore store, Executor blocking, Clock clock, Duration retention) {
    this.store = Objects.requireNonNull(store, "store");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retention = Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero() || retention.compareTo(MAX_RETENTION) > 0) {
      throw new IllegalArgumentException(
          "the payment identifier retention must be positive and at most "
              + MAX_RETENTION.toDays()
              + " days");
    }
  }

  /** The store. */
  public PaymentIdentifierStore store() {
    return store;
  }

  /** Reads the id {@code request}'s payment carries and, when it has one, its fingerprint. */
  public Check check(SchemeRequest request, SchemeFacilitator scheme) {
    Echo echo = PaymentIdentifierExtension.read(request.payload().extensions());
    if (echo instanceof Echo.Absent) {
      return NONE;
    }
    if (echo instanceof Echo.Malformed malformed) {
      return new Check.Malformed("paymentPayload." + malformed.problem());
    }
    PaymentIdentifier id = ((Echo.Identified) echo).id();
    PaymentIdentity identity;
    try {
      identity = scheme.identify(request);
    } catch (IllegalArgumentException e) {
      // Malformed for the scheme, which will refuse it; a digest of its JSON still tells payments
      // apart, more strictly (respellings differ), should it verify anyway.
      identity =
          PaymentIdentity.ofJson(
              request.requirements().scheme(),
              request.requirements().network(),
              request.payload().payload());
    }
    return new Check.Identified(
        id, fingerprint(identity, request.requirements()), identity.validBefore());
  }

  /**
   * Whether {@code payment}'s id is already bound to this very payment (by any payer), for a
   * settlement about to go ahead on that binding: the binding is {@link
   * PaymentIdentifierStore#renew renewed}, so a failed settlement of the same payment that made it
   * can no longer release it from under this one.
   */
  public CompletableFuture<Boolean> known(Check.Identified payment) {
    return CompletableFuture.supplyAsync(
        () -> store.renew(payment.id(), payment.fingerprint(), clock.instant()), blocking);
  }

  /**
   * Whether {@code payer} (who verified) settled, or is settling, another payment under {@code
   * payment}'s id: the check {@code /verify} makes, which binds nothing. A payer that cannot be
   * scoped never conflicts.
   */
  public CompletableFuture<Boolean> conflicting(
      Check.Identified payment, Network network, String payer) {
    String scope = scope(network, payer);
    if (scope == null) {
      return CompletableFuture.completedFuture(false);
    }
    return CompletableFuture.supplyAsync(
        () ->
            store
                .find(scope, payment.id(), clock.instant())
                .map(binding -> !binding.fingerprint().equals(payment.fingerprint()))
                .orElse(false),
        blocking);
  }

  /**
   * Binds {@code payment}'s id under {@code payer}, who verified, as its settlement begins: the
   * claim {@link Claim#admits admits} the payment when the id is now bound to it (new, or bound to
   * it before), and not when the payer used the id with another payment. A payer that cannot be
   * scoped (none named) binds nothing and is admitted.
   */
  public CompletableFuture<Claim> bind(Check.Identified payment, Network network, String payer) {
    String scope = scope(network, payer);
    if (scope == null) {
      LOG.debug("payment identifier not bound: the scheme named no usable payer");
      return CompletableFuture.completedFuture(new Claim(null, null));
    }
    return CompletableFuture.supplyAsync(
        () -> {
          for (int round = 0; round < BIND_ROUNDS; round++) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            PaymentIdentifierStore.Binding binding =
                store.bind(scope, payment.id(), payment.fingerprint(), expiry(payment, now), now);
            // A binding of this payment made by another settlement is renewed before this one goes
            // ahead on it, as known() does, so that settlement's release (should it fail) cannot
            // free the id from under this one; gone already, it is bound again.
            if (binding.created()
                || !binding.fingerprint().equals(payment.fingerprint())
                || store.renew(payment.id(), payment.fingerprint(), now)) {
              return new Claim(scope, binding);
            }
          }
          throw new IllegalStateException(
              "the payment identifier binding kept changing under " + BIND_ROUNDS + " attempts");
        },
        blocking);
  }

  /**
   * Releases the binding {@code claim} made, after its settlement failed before anything was
   * broadcast: the payer may use the id again. A binding the claim did not make is left alone.
   */
  public CompletableFuture<Void> release(Check.Identified payment, Claim claim) {
    if (!claim.created()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> store.release(claim.scope(), payment.id(), claim.binding()), blocking);
  }

  /**
   * Whether a settlement answered with {@code response} certainly moved nothing and never will: a
   * refusal naming no transaction, other than one following the payment's settlement (pending,
   * stalled) or saying its authorization was already used (on chain, possibly by someone else). A
   * duplicate of another attempt's settlement is such a refusal. Only then is the id released.
   */
  public static boolean settledNothing(SettleResponse response) {
    if (response == null || response.success()) {
      return false;
    }
    if (response.transaction() != null && !response.transaction().isEmpty()) {
      return false;
    }
    String reason = response.errorReason();
    // A duplicate (the payment held by another settlement attempt) is released: this request
    // settled nothing under its id, and the one that holds the payment relies on no binding this
    // request made (it made its own, or renewed one, before it claimed the payment).
    return !ErrorReason.SETTLEMENT_PENDING.wire().equals(reason)
        && !ErrorReason.SETTLEMENT_STALLED.wire().equals(reason)
        // The authorization was used on chain (by anyone: its call is public once signed), or its
        // key belongs to another payment: money may have moved for it, so the id stays bound.
        && !ErrorReason.EXACT_EVM_NONCE_ALREADY_USED.wire().equals(reason)
        && !ErrorReason.PERMIT2_INVALID_NONCE.wire().equals(reason);
  }

  /**
   * The settlement attempt a request carrying {@code payment}'s id stands for when its resource
   * server named none ({@code X402j-Settlement-Id}): the same for every request with the id, so a
   * repeat of the same id and payment follows the first settlement to its answer (the
   * specification's cached response), while a request naming its own attempt is still a duplicate.
   * {@code pid_} and 40 hex digits of a SHA-256 of the id: a valid settlement id.
   */
  public static String attempt(Check.Identified payment) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  ("payment-identifier\n" + payment.id().value())
                      .getBytes(StandardCharsets.US_ASCII));
      return "pid_" + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Until when a binding made {@code now} lasts: while the payment is valid, but at least the
   * retention and at most {@link #MAX_RETENTION}.
   */
  Instant expiry(Check.Identified payment, Instant now) {
    Instant least = now.plus(retention);
    Instant most = now.plus(MAX_RETENTION);
    Instant valid = payment.validBefore();
    if (valid == null || !valid.isAfter(least)) {
      return least;
    }
    return valid.isAfter(most) ? most : valid.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * The payer an id belongs to: its {@link PayerScope} (the network's namespace and the payer's
   * canonical address, as the gate scopes its ids), or {@code null} when there is none to use.
   */
  static String scope(Network network, String payer) {
    String scope = PayerScope.of(network, payer);
    return scope != null && scope.length() <= PaymentIdentifierStore.MAX_SCOPE_LENGTH
        ? scope
        : null;
  }

  /**
   * What makes a request under an id the same request: the scheme's canonical identity of the
   * payment and what it pays for, parsed (addresses in lower-case hex on EVM chains). A SHA-256
   * digest, so the store keeps a fixed-size value.
   */
  static String fingerprint(PaymentIdentity identity, PaymentRequirements r) {
    Network network = r.network();
    String joined =
        String.join(
            "\n",
            identity.id(),
            r.scheme(),
            network.toString(),
            address(network, r.asset()),
            address(network, r.payTo()),
            r.amount().toString());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String address(Network network, String text) {
    String canonical = PayerScope.canonicalAddress(network, text);
    return canonical == null ? text : canonical;
  }
}
