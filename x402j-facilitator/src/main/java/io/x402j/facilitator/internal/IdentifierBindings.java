package io.x402j.facilitator.internal;

import io.x402j.core.Network;
import io.x402j.core.extensions.PaymentIdentifier;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.extensions.PaymentIdentifierExtension.Echo;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.PaymentIdentifierStore;
import io.x402j.svm.SolanaAddress;
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
 * the scheme, network, asset, payee and amount it is paid for), and binds the id to that
 * fingerprint under the payer that verified, in a {@link PaymentIdentifierStore}. Immutable and
 * thread-safe. Not part of the x402j API.
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

  private static final Check NONE = new Check.None();

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

  /** Whether {@code payment}'s id is already bound to this very payment (by any payer). */
  public CompletableFuture<Boolean> known(Check.Identified payment) {
    return CompletableFuture.supplyAsync(
        () -> store.isBound(payment.id(), payment.fingerprint(), clock.instant()), blocking);
  }

  /**
   * Binds {@code payment}'s id under {@code payer}, who verified: {@code true} when the id is now
   * bound to this payment (new, or bound to it before), {@code false} when the payer used it with
   * another payment. A payer that cannot be scoped (none named) binds nothing and passes.
   */
  public CompletableFuture<Boolean> bind(Check.Identified payment, Network network, String payer) {
    String scope = scope(network, payer);
    if (scope == null) {
      LOG.debug("payment identifier not bound: the scheme named no usable payer");
      return CompletableFuture.completedFuture(true);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
          PaymentIdentifierStore.Binding binding =
              store.bind(scope, payment.id(), payment.fingerprint(), expiry(payment, now), now);
          return binding.fingerprint().equals(payment.fingerprint());
        },
        blocking);
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
   * The payer an id belongs to: the network's namespace and the payer's canonical address (lower-
   * case hex on EVM chains, the parsed 32-byte key in base58 on Solana, as named elsewhere), or
   * {@code null} when there is none to use.
   */
  static String scope(Network network, String payer) {
    if (payer == null || payer.isEmpty()) {
      return null;
    }
    String canonical;
    if (network.isEvm()) {
      EvmAddress address = Payers.parse(payer);
      if (address == null) {
        return null;
      }
      canonical = address.toLowerHex();
    } else if (Network.SOLANA.equals(network.namespace())) {
      try {
        canonical = SolanaAddress.parse(payer).toString();
      } catch (IllegalArgumentException e) {
        return null;
      }
    } else {
      canonical = payer;
    }
    String scope = network.namespace() + ":" + canonical;
    return scope.length() <= PaymentIdentifierStore.MAX_SCOPE_LENGTH ? scope : null;
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
    if (network.isEvm()) {
      EvmAddress parsed = Payers.parse(text);
      if (parsed != null) {
        return parsed.toLowerHex();
      }
    }
    return text;
  }
}
