package io.x402j.facilitator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
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
import io.x402j.facilitator.internal.Payers;
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
 */
public final class FacilitatorService implements Facilitator {
  private static final Logger LOG = LoggerFactory.getLogger("io.x402j.facilitator.payments");

  private final SchemeRegistry<SchemeFacilitator> schemes;
  private final List<SchemeFacilitator> implementations;
  private final V1Translation v1;
  private final NetworkRegistry networks;
  private final PaymentScreen screen;
  private final MeterRegistry meters;
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  /** What a latency timer is tagged with: few distinct values, so the map stays small. */
  private record TimerKey(
      String operation, String outcome, String reason, String network, int version) {}

  private FacilitatorService(Builder b) {
    this.networks = b.networks;
    this.v1 = new V1Translation(b.networks);
    this.screen = b.screen;
    this.meters = b.meters;
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
            : route.scheme().verify(route.request());
    return answer.whenComplete(
        (response, error) -> observe("verify", request, route, start, response, null, error));
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
            : route.scheme().settle(route.request());
    if (request instanceof VerifyRequestV1) {
      answer = answer.thenApply(v1::toV1);
    }
    return answer.whenComplete(
        (response, error) -> observe("settle", request, route, start, null, response, error));
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
  }

  /** Builds a {@link FacilitatorService}. */
  public static final class Builder {
    private final List<SchemeFacilitator> implementations = new ArrayList<>();
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private PaymentScreen screen = PaymentScreen.none();
    private MeterRegistry meters = new CompositeMeterRegistry();

    private Builder() {}

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
