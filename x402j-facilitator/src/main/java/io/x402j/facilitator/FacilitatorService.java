package io.x402j.facilitator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.extensions.PaymentIdentifierExtension;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.internal.IdentifierBindings;
import io.x402j.facilitator.internal.IdentifierBindings.Check;
import io.x402j.facilitator.internal.OperationsSeries;
import io.x402j.facilitator.internal.Payers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A facilitator in this process: routes each request to the scheme implementation registered for
 * its protocol version, scheme and network, translating protocol v1 to and from the v2 form the
 * schemes work on, screens payers and recipients, and records one log line and metrics per call. It
 * is the {@link Facilitator} a resource server can use without HTTP, and what {@link
 * FacilitatorServer} serves. Thread-safe.
 *
 * <p>Unknown schemes are answered with {@code unsupported_scheme}, unserved networks with {@code
 * invalid_network}: answers, not errors.
 *
 * <p><b>{@code payment-identifier}</b> (with {@link Builder#paymentIdentifiers}): a v2 payment's
 * {@code extensions["payment-identifier"].info.id} is bound, when its settlement begins and once
 * the payment verified (so its payer signed it), to the payment's fingerprint under that payer: the
 * scheme's canonical payment identity and the scheme, network, asset, payee and amount it pays for.
 * {@code /verify} binds nothing: it answers as it would without the id, except that an id its payer
 * settled (or is settling) with another payment is {@code payment_identifier_conflict} (HTTP 409).
 * On {@code /settle} the same id with another payment is that conflict, and nothing is settled; the
 * same id and payment, however spelt, is the same request: a resource server that names no
 * settlement attempt is given the one the id stands for, so a repeat gets the first settlement's
 * answer (the same transaction, never a second one), while one naming another attempt gets the
 * ledger's {@code duplicate_settlement}. A settlement that fails before anything was broadcast (or
 * is a duplicate of another attempt's) releases the binding it made; one going ahead on an existing
 * binding renews it, so such a release never frees an id a retry settled under. A malformed id is
 * {@code invalid_payload} naming the field.
 */
public final class FacilitatorService implements Facilitator {
  /** How long a payment identifier stays bound at least, by default. */
  public static final Duration DEFAULT_PAYMENT_IDENTIFIER_RETENTION = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger("io.x402j.facilitator.payments");

  private final SchemeRegistry<SchemeFacilitator> schemes;
  private final List<SchemeFacilitator> implementations;
  private final V1Translation v1;
  private final NetworkRegistry networks;
  private final PaymentScreen screen;
  private final MeterRegistry meters;
  private final IdentifierBindings identifiers;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();
  private final OperationsSeries operations;

  /** What a latency timer is tagged with: few distinct values, so the map stays small. */
  private record TimerKey(
      String operation, String outcome, String reason, String network, int version) {}

  private FacilitatorService(Builder b) {
    this.networks = b.networks;
    this.v1 = new V1Translation(b.networks);
    this.screen = b.screen;
    this.meters = b.meters;
    this.operations = b.operations;
    this.identifiers =
        b.identifierStore == null
            ? null
            : new IdentifierBindings(
                b.identifierStore, b.identifierExecutor, b.clock, b.identifierRetention);
    this.implementations = List.copyOf(b.implementations);
    SchemeRegistry.Builder<SchemeFacilitator> registry = SchemeRegistry.builder();
    for (SchemeFacilitator scheme : implementations) {
      for (Network network : scheme.networks()) {
        registry.register(2, scheme.scheme(), NetworkPattern.of(network), scheme);
        if (scheme.servesV1() && networks.v1Name(network).isPresent()) {
          registry.register(1, scheme.scheme(), NetworkPattern.of(network), scheme);
        }
      }
    }
    this.schemes = registry.build();
  }

  /** Starts a service. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The networks this service knows ({@link Builder#networks}): among them the v1 names it accepts
   * payments under.
   */
  public NetworkRegistry networks() {
    return networks;
  }

  /**
   * A request routed to a scheme, or refused before reaching one. {@code payer} is the canonical
   * (EIP-55) address or {@code null}; {@code payerLog} is what a log line may show: the canonical
   * address, or the text sent, quoted.
   */
  private record Route(
      SchemeRequest request,
      SchemeFacilitator scheme,
      String network,
      String payer,
      String payerLog,
      ErrorReason refusal,
      String message,
      boolean served) {
    /** Refused before a scheme saw it, for a network and scheme this facilitator may not serve. */
    static Route refused(
        String network, Payer payer, ErrorReason reason, String message, boolean served) {
      return new Route(
          null, null, network, payer.canonical(), payer.log(), reason, message, served);
    }

    /**
     * The network as a metric tag: clients choose what they send, so a network not served is
     * "other" rather than a new time series per string.
     */
    String networkTag() {
      return served ? network : "other";
    }

    /** The network as a log value: a string the client chose is quoted. */
    String networkLog() {
      return served ? network : Text.quote(network);
    }
  }

  /** The payer of a request: parsed when it can be, and how to show it. */
  private record Payer(EvmAddress address, String text) {
    static Payer of(Map<String, Object> payload) {
      return new Payer(Payers.address(payload), Payers.text(payload));
    }

    String canonical() {
      return address == null ? null : address.toString();
    }

    String log() {
      return address != null ? address.toString() : text == null ? "-" : Text.quote(text);
    }
  }

  private Route route(FacilitatorRequest request) {
    SchemeRequest schemeRequest;
    String wireNetwork;
    if (request instanceof VerifyRequestV1) {
      VerifyRequestV1 old = (VerifyRequestV1) request;
      wireNetwork = old.paymentRequirements().network();
      Payer payer = Payer.of(old.paymentPayload().payload());
      try {
        VerifyRequest translated = v1.request(old);
        schemeRequest =
            new SchemeRequest(
                1,
                translated.paymentPayload(),
                translated.paymentRequirements(),
                old.settlementId().orElse(null));
      } catch (IllegalArgumentException e) {
        return Route.refused(
            wireNetwork, payer, ErrorReason.INVALID_NETWORK, e.getMessage(), false);
      }
    } else {
      VerifyRequest current = (VerifyRequest) request;
      wireNetwork = current.paymentRequirements().network().toString();
      schemeRequest =
          new SchemeRequest(
              2,
              current.paymentPayload(),
              current.paymentRequirements(),
              current.settlementId().orElse(null));
    }
    PaymentPayload payload = schemeRequest.payload();
    Payer payer = Payer.of(payload.payload());
    Network network = schemeRequest.requirements().network();
    String scheme = schemeRequest.requirements().scheme();
    Optional<SchemeFacilitator> found = schemes.find(schemeRequest.x402Version(), scheme, network);
    if (found.isEmpty()) {
      if (schemeRequest.x402Version() == 1
          && implementations.stream().anyMatch(i -> i.scheme().equals(scheme) && !i.servesV1())) {
        return Route.refused(
            wireNetwork,
            payer,
            ErrorReason.UNSUPPORTED_SCHEME,
            "scheme " + Text.quote(scheme) + " exists in protocol v2 only",
            false);
      }
      boolean schemeKnown =
          schemes.registrations().stream().anyMatch(r -> r.scheme().equals(scheme));
      return schemeKnown
          ? Route.refused(
              wireNetwork,
              payer,
              ErrorReason.INVALID_NETWORK,
              "network "
                  + Text.quote(wireNetwork)
                  + " is not served for scheme "
                  + Text.quote(scheme)
                  + " in protocol v"
                  + schemeRequest.x402Version(),
              false)
          : Route.refused(
              wireNetwork,
              payer,
              ErrorReason.UNSUPPORTED_SCHEME,
              "scheme " + Text.quote(scheme) + " is not supported",
              false);
    }
    // Screening compares parsed addresses: a respelling of a listed address (letter case) is the
    // same account, and text that is no address (digits of another script included) is refused,
    // never waved through as "not listed".
    String payTo = schemeRequest.requirements().payTo();
    if (network.isEvm()) {
      if (payer.address() == null) {
        return Route.refused(
            wireNetwork,
            payer,
            ErrorReason.INVALID_PAYLOAD,
            payer.text() == null
                ? "the payload names no payer (authorization.from)"
                : "the payer (authorization.from) "
                    + Text.quote(payer.text())
                    + " is not 0x followed by 40 hex digits",
            true);
      }
      EvmAddress recipient = Payers.parse(payTo);
      if (recipient == null) {
        return Route.refused(
            wireNetwork,
            payer,
            ErrorReason.INVALID_PAYMENT_REQUIREMENTS,
            "payTo " + Text.quote(payTo) + " is not 0x followed by 40 hex digits",
            true);
      }
      payTo = recipient.toString();
    }
    Optional<PaymentScreen.Refusal> refusal = screen.screen(network, payer.canonical(), payTo);
    if (refusal.isPresent()) {
      return Route.refused(
          wireNetwork, payer, refusal.get().reason(), refusal.get().message(), true);
    }
    return new Route(
        schemeRequest, found.get(), wireNetwork, payer.canonical(), payer.log(), null, null, true);
  }

  @Override
  public CompletableFuture<VerifyResponse> verify(FacilitatorRequest request) {
    long start = System.nanoTime();
    Route route = route(request);
    CompletableFuture<VerifyResponse> answer =
        route.refusal() != null
            ? CompletableFuture.completedFuture(
                VerifyResponse.invalid(route.refusal(), route.message(), route.payer()))
            : verifyRouted(route);
    return answer.whenComplete(
        (response, error) -> observe("verify", request, route, start, response, null, error));
  }

  /**
   * Verifies a routed payment. One carrying a payment identifier is also checked against the
   * settlements its payer made under the id (another payment there is a conflict); verifying binds
   * nothing, so verifications that are never settled leave nothing behind.
   */
  private CompletableFuture<VerifyResponse> verifyRouted(Route route) {
    Check id = identifiers == null ? null : identifiers.check(route.request(), route.scheme());
    if (id instanceof Check.Malformed malformed) {
      return CompletableFuture.completedFuture(
          VerifyResponse.invalid(ErrorReason.INVALID_PAYLOAD, malformed.problem(), route.payer()));
    }
    CompletableFuture<VerifyResponse> verified = route.scheme().verify(route.request());
    if (!(id instanceof Check.Identified identified)) {
      return verified;
    }
    Network network = route.request().requirements().network();
    return verified.thenCompose(
        response ->
            !response.isValid()
                ? CompletableFuture.completedFuture(response)
                : identifiers
                    .conflicting(identified, network, response.payer())
                    .handle(
                        (conflicting, error) -> {
                          if (error != null) {
                            LOG.error(
                                "checking the payment identifier failed: {}",
                                Futures.unwrap(error).toString());
                            return VerifyResponse.invalid(
                                ErrorReason.UNEXPECTED_VERIFY_ERROR,
                                "the payment identifier could not be checked; try again",
                                response.payer());
                          }
                          return !conflicting
                              ? response
                              : VerifyResponse.invalid(
                                  ErrorReason.PAYMENT_IDENTIFIER_CONFLICT,
                                  conflict(identified),
                                  response.payer());
                        }));
  }

  private static String conflict(Check.Identified identified) {
    return "payment-identifier "
        + Text.quote(identified.id().value())
        + " was already used by this payer with a different payment; a new payment needs a new"
        + " id";
  }

  @Override
  public CompletableFuture<SettleResponse> settle(FacilitatorRequest request) {
    long start = System.nanoTime();
    Route route = route(request);
    CompletableFuture<SettleResponse> answer =
        route.refusal() != null
            ? CompletableFuture.completedFuture(
                SettleResponse.failure(
                    route.refusal(), route.message(), "", route.network(), route.payer()))
            : settleRouted(route);
    if (request instanceof VerifyRequestV1) {
      answer = answer.thenApply(v1::toV1);
    }
    return answer.whenComplete(
        (response, error) -> observe("settle", request, route, start, null, response, error));
  }

  /**
   * Settles a routed payment. One carrying a payment identifier is settled as the attempt the id
   * stands for when its resource server named none ({@link IdentifierBindings#attempt}), so a
   * repeat of the same id and payment gets the first settlement's answer from the ledger. A payment
   * already bound to its id goes straight to the scheme; otherwise it is verified (so only its
   * signing payer binds the id) and bound: the same payer's id bound to another payment is a
   * conflict and nothing is settled. A settlement that fails before anything was broadcast releases
   * the binding it made.
   */
  private CompletableFuture<SettleResponse> settleRouted(Route route) {
    SchemeRequest request = route.request();
    Check id = identifiers == null ? null : identifiers.check(request, route.scheme());
    String network = request.requirements().network().toString();
    if (id instanceof Check.Malformed malformed) {
      return CompletableFuture.completedFuture(
          SettleResponse.failure(
              ErrorReason.INVALID_PAYLOAD, malformed.problem(), "", network, route.payer()));
    }
    if (!(id instanceof Check.Identified identified)) {
      return route.scheme().settle(request);
    }
    SchemeRequest settling =
        request.settlementId() != null
            ? request
            : new SchemeRequest(
                request.x402Version(),
                request.payload(),
                request.requirements(),
                IdentifierBindings.attempt(identified));
    CompletableFuture<Admission> admitted =
        identifiers
            .known(identified)
            .thenCompose(
                known ->
                    known
                        ? CompletableFuture.completedFuture(new Admission(null, null))
                        : route
                            .scheme()
                            .verify(request)
                            .thenCompose(verified -> admit(identified, request, verified)))
            .handle(
                (admission, error) -> {
                  if (error == null) {
                    return admission;
                  }
                  LOG.error(
                      "checking the payment identifier failed: {}",
                      Futures.unwrap(error).toString());
                  return new Admission(
                      SettleResponse.failure(
                          ErrorReason.UNEXPECTED_SETTLE_ERROR,
                          "the payment identifier could not be checked; nothing was settled",
                          "",
                          network,
                          route.payer()),
                      null);
                });
    return admitted.thenCompose(
        admission -> {
          if (admission.refusal() != null) {
            return CompletableFuture.completedFuture(admission.refusal());
          }
          CompletableFuture<SettleResponse> settled = route.scheme().settle(settling);
          IdentifierBindings.Claim claim = admission.claim();
          if (claim == null || !claim.created()) {
            return settled;
          }
          return settled.thenCompose(
              response ->
                  !IdentifierBindings.settledNothing(response)
                      ? CompletableFuture.completedFuture(response)
                      : identifiers
                          .release(identified, claim)
                          .handle(
                              (ignored, error) -> {
                                if (error != null) {
                                  // The binding lapses with its retention instead.
                                  LOG.warn(
                                      "releasing the payment identifier of a failed settlement"
                                          + " failed: {}",
                                      Futures.unwrap(error).toString());
                                }
                                return response;
                              }));
        });
  }

  /**
   * What checking a payment's id before settling decided: {@code refusal} is the answer when it may
   * not be settled; otherwise {@code claim} is the binding made for it ({@code null} when the id
   * was already bound to it).
   */
  private record Admission(SettleResponse refusal, IdentifierBindings.Claim claim) {}

  /**
   * Binds the id of a payment that was just verified: may it be settled (with the claim), or the
   * answer (the verification's refusal, or the conflict).
   */
  private CompletableFuture<Admission> admit(
      Check.Identified identified, SchemeRequest request, VerifyResponse verified) {
    String network = request.requirements().network().toString();
    if (!verified.isValid()) {
      return CompletableFuture.completedFuture(
          new Admission(
              new SettleResponse(
                  false,
                  verified.invalidReason(),
                  verified.invalidMessage(),
                  "",
                  network,
                  verified.payer(),
                  null,
                  null,
                  Map.of()),
              null));
    }
    return identifiers
        .bind(identified, request.requirements().network(), verified.payer())
        .thenApply(
            claim ->
                claim.admits(identified)
                    ? new Admission(null, claim)
                    : new Admission(
                        SettleResponse.failure(
                            ErrorReason.PAYMENT_IDENTIFIER_CONFLICT,
                            conflict(identified),
                            "",
                            network,
                            verified.payer()),
                        null));
  }

  @Override
  public CompletableFuture<SupportedResponse> supported() {
    return CompletableFuture.completedFuture(supportedNow());
  }

  /** The payment kinds and signers served, computed without waiting. */
  public SupportedResponse supportedNow() {
    List<SupportedKind> kinds = new ArrayList<>();
    Map<String, Set<String>> signers = new LinkedHashMap<>();
    Set<String> extensions = new LinkedHashSet<>();
    for (SchemeFacilitator scheme : implementations) {
      extensions.addAll(scheme.extensions());
      for (int version = 2; version >= (scheme.servesV1() ? 1 : 2); version--) {
        for (Network network : scheme.networks()) {
          String name = version == 2 ? network.toString() : networks.v1Name(network).orElse(null);
          if (name != null) {
            kinds.add(
                new SupportedKind(
                    version, scheme.scheme(), name, scheme.supportedExtra(network), Map.of()));
          }
        }
      }
      for (Network network : scheme.networks()) {
        signers
            .computeIfAbsent(scheme.family().toString(), k -> new LinkedHashSet<>())
            .addAll(scheme.signers(network));
      }
    }
    if (identifiers != null) {
      extensions.add(PaymentIdentifierExtension.KEY);
    }
    Map<String, List<String>> signerLists = new LinkedHashMap<>();
    signers.forEach((family, addresses) -> signerLists.put(family, List.copyOf(addresses)));
    return new SupportedResponse(kinds, List.copyOf(extensions), signerLists, Map.of());
  }

  /**
   * The payer a log line shows: the request's, or, when the request names none (a Solana payment
   * carries its payer inside the transaction), the one the scheme derived, quoted.
   */
  private static String payerLog(Route route, VerifyResponse verified, SettleResponse settled) {
    String named = route.payerLog();
    if (!"-".equals(named)) {
      return named;
    }
    String derived = verified != null ? verified.payer() : settled.payer();
    return derived == null || derived.isEmpty() ? named : Text.quote(derived);
  }

  private void observe(
      String operation,
      FacilitatorRequest request,
      Route route,
      long start,
      VerifyResponse verified,
      SettleResponse settled,
      Throwable error) {
    long nanos = System.nanoTime() - start;
    String outcome;
    String reason;
    String transaction = "";
    if (error != null) {
      outcome = "error";
      reason = "exception";
      LOG.error(
          "{} outcome=error network={} payer={} latencyMs={} error={}",
          operation,
          route.networkLog(),
          route.payerLog(),
          TimeUnit.NANOSECONDS.toMillis(nanos),
          Futures.unwrap(error).toString());
    } else if (verified != null) {
      outcome = verified.isValid() ? "valid" : "invalid";
      reason = verified.isValid() ? "none" : String.valueOf(verified.invalidReason());
    } else {
      outcome = settled.success() ? "success" : settled.isPending() ? "pending" : "failure";
      reason = settled.success() ? "none" : String.valueOf(settled.errorReason());
      transaction = settled.transaction();
    }
    // Settlements move money: one INFO line each. Verifications are free to send and would let a
    // client flood the log, so they are DEBUG. Values a client chose are canonical or quoted.
    boolean settle = verified == null;
    if (error == null && (settle ? LOG.isInfoEnabled() : LOG.isDebugEnabled())) {
      String line =
          "{} outcome={} reason={} network={} payer={} scheme={} x402Version={} tx={} latencyMs={}";
      Object[] values = {
        operation,
        outcome,
        reason,
        route.networkLog(),
        payerLog(route, verified, settled),
        route.served() ? request.scheme() : Text.quote(request.scheme()),
        request.x402Version(),
        transaction.isEmpty() ? "-" : transaction,
        TimeUnit.NANOSECONDS.toMillis(nanos)
      };
      if (settle) {
        LOG.info(line, values);
      } else {
        LOG.debug(line, values);
      }
    }
    // Registering a timer on every call costs more than the call's own work under load.
    timers
        .computeIfAbsent(
            new TimerKey(operation, outcome, reason, route.networkTag(), request.x402Version()),
            key ->
                Timer.builder("x402j.facilitator." + key.operation())
                    .description("x402 " + key.operation() + " calls by outcome and reason")
                    .tag("outcome", key.outcome())
                    .tag("reason", key.reason())
                    .tag("network", key.network())
                    .tag("x402_version", Integer.toString(key.version()))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(meters))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (operations != null) {
      operations.record(operation, outcome, reason, nanos);
    }
  }

  /** Builds a {@link FacilitatorService}. */
  public static final class Builder {
    private final List<SchemeFacilitator> implementations = new ArrayList<>();
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private PaymentScreen screen = PaymentScreen.none();
    private MeterRegistry meters = new CompositeMeterRegistry();
    private PaymentIdentifierStore identifierStore;
    private Executor identifierExecutor;
    private Duration identifierRetention = DEFAULT_PAYMENT_IDENTIFIER_RETENTION;
    private Clock clock = Clock.systemUTC();
    private OperationsSeries operations;

    private Builder() {}

    /** Also records every call in {@code series}, for the admin console. */
    Builder operations(OperationsSeries series) {
      this.operations = Objects.requireNonNull(series, "series");
      return this;
    }

    /**
     * Serves the {@code payment-identifier} extension (listed in {@code /supported}), keeping the
     * ids of settled payments in {@code store} (verifications only read it); {@code blocking} runs
     * the store's calls, which may block.
     */
    public Builder paymentIdentifiers(PaymentIdentifierStore store, Executor blocking) {
      this.identifierStore = Objects.requireNonNull(store, "store");
      this.identifierExecutor = Objects.requireNonNull(blocking, "blocking");
      return this;
    }

    /**
     * How long a payment identifier stays bound at least (default {@link
     * #DEFAULT_PAYMENT_IDENTIFIER_RETENTION}): it stays bound while its payment is valid, but never
     * longer than 30 days. Afterwards the payer may use it again.
     */
    public Builder paymentIdentifierRetention(Duration retention) {
      this.identifierRetention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** The clock for payment identifier bindings (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Serves a scheme on its networks (protocol v2, and v1 where the network has a v1 name). */
    public Builder scheme(SchemeFacilitator scheme) {
      implementations.add(Objects.requireNonNull(scheme, "scheme"));
      return this;
    }

    /** The networks, for v1 names (default: the public ones). */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /** Screens payers and recipients (default: none). */
    public Builder screen(PaymentScreen screen) {
      this.screen = Objects.requireNonNull(screen, "screen");
      return this;
    }

    /** Where to record metrics (default: nowhere). */
    public Builder meterRegistry(MeterRegistry meters) {
      this.meters = Objects.requireNonNull(meters, "meters");
      return this;
    }

    /** Builds the service. */
    public FacilitatorService build() {
      if (implementations.isEmpty()) {
        throw new IllegalArgumentException("register at least one scheme");
      }
      return new FacilitatorService(this);
    }
  }
}
