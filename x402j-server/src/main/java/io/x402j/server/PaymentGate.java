package io.x402j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.internal.Futures;
import io.x402j.core.internal.Text;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentPayloadV1;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmServer;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.internal.Paths;
import io.x402j.server.internal.PaymentIds;
import io.x402j.server.internal.PaywallPage;
import io.x402j.server.internal.Requirements;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seller's payment gate. For each request it decides: {@link GateDecision.Free free} (no route
 * charges for it), {@link GateDecision.Respond answer} with a 402 (or an error) instead of running
 * the handler, or {@link GateDecision.Admit admit} a verified payment to the handler. An admitted
 * request's response must be buffered by the adapter; {@link Admission#complete} then settles the
 * payment (only if the handler succeeded) and says whether the response may be released. Immutable
 * and thread-safe.
 *
 * <p>Both protocol versions are spoken: a 402 carries the v2 {@code PAYMENT-REQUIRED} header and,
 * for routes offered to v1 payers, the v1 JSON body; payments arrive as {@code PAYMENT-SIGNATURE}
 * (v2) or {@code X-PAYMENT} (v1) and receipts leave as {@code PAYMENT-RESPONSE} or {@code
 * X-PAYMENT-RESPONSE}. One payment buys one response: a payment being used by one request is
 * refused to another, and a settled one is refused for good.
 *
 * <pre>{@code
 * PaymentGate gate = PaymentGate.builder()
 *     .facilitator(HttpFacilitatorClient.builder("https://x402.org/facilitator").build())
 *     .routes(RouteTable.builder()
 *         .route("GET /weather", PaidRoute.of("$0.001", Network.evm(84532), seller))
 *         .build())
 *     .build();
 * }</pre>
 */
public final class PaymentGate {
  /** The v2 payment header. */
  public static final String PAYMENT_SIGNATURE = "PAYMENT-SIGNATURE";

  /** The v1 payment header. */
  public static final String X_PAYMENT = "X-PAYMENT";

  /** The v2 402 header. */
  public static final String PAYMENT_REQUIRED = "PAYMENT-REQUIRED";

  /** The v2 receipt header. */
  public static final String PAYMENT_RESPONSE = "PAYMENT-RESPONSE";

  /** The v1 receipt header. */
  public static final String X_PAYMENT_RESPONSE = "X-PAYMENT-RESPONSE";

  /** The headers browsers' scripts may read across origins, set on every gated response. */
  public static final String EXPOSED_HEADERS =
      PAYMENT_REQUIRED + ", " + PAYMENT_RESPONSE + ", " + X_PAYMENT_RESPONSE;

  private static final Logger LOG = LoggerFactory.getLogger(PaymentGate.class);
  private static final String JSON = "application/json";

  private final RouteResolver routes;
  private final Facilitator facilitator;
  private final NetworkRegistry networks;
  private final SchemeRegistry<SchemeServer> schemes;
  private final List<PaymentListener> listeners;
  private final PendingSettlement pendingPolicy;
  private final Duration pendingWait;
  private final Duration pendingPoll;
  private final PaywallOptions paywall;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ReplayStore guard;
  private final HeaderCodec headers = HeaderCodec.standard();
  private final WireCodec wire = WireCodec.standard();
  private final ObjectMapper mapper = new ObjectMapper();

  private PaymentGate(Builder b) {
    this.routes = b.routes;
    this.facilitator = b.facilitator;
    this.networks = b.networks;
    this.schemes =
        b.schemes != null
            ? b.schemes
            : SchemeRegistry.<SchemeServer>builder()
                .registerBothVersions(
                    "exact", NetworkPattern.namespace("eip155"), new ExactEvmServer(b.networks))
                .build();
    this.listeners = List.copyOf(b.listeners);
    this.pendingPolicy = b.pendingPolicy;
    this.pendingWait = b.pendingWait;
    this.pendingPoll = b.pendingPoll;
    this.paywall = b.paywall;
    this.clock = b.clock;
    this.scheduler = b.scheduler != null ? b.scheduler : SharedScheduler.INSTANCE;
    this.guard = b.replayStore != null ? b.replayStore : ReplayStore.inMemory(b.clock);
  }

  /** Starts a gate; a facilitator and routes are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The route {@code request} falls under, if any; never one for a CORS preflight. */
  public Optional<ResolvedRoute> route(GateRequest request) {
    return request.isCorsPreflight() ? Optional.empty() : routes.resolve(request);
  }

  /**
   * Decides what happens to {@code request}. The future fails only on a bug; unreachable
   * facilitators, bad payments and misconfigured prices are answers.
   */
  public CompletableFuture<GateDecision> check(GateRequest request) {
    Optional<ResolvedRoute> resolved;
    try {
      resolved = route(request);
    } catch (RuntimeException e) {
      LOG.error("route resolution failed for {} {}", request.method(), request.path(), e);
      return done(new GateDecision.Respond(error(500, "the payment route could not be resolved")));
    }
    if (resolved.isEmpty()) {
      return done(new GateDecision.Free());
    }
    Offer offer;
    try {
      offer = offer(resolved.get(), request);
    } catch (RuntimeException e) {
      LOG.error("route {} cannot be priced: {}", resolved.get().pattern(), e.getMessage());
      return done(
          new GateDecision.Respond(
              error(500, "route " + resolved.get().pattern() + " cannot be priced")));
    }
    Optional<String> v2Header = request.header(PAYMENT_SIGNATURE).filter(h -> !h.isBlank());
    Optional<String> v1Header = request.header(X_PAYMENT).filter(h -> !h.isBlank());
    if (v2Header.isEmpty() && v1Header.isEmpty()) {
      return done(new GateDecision.Respond(unpaid(offer, request)));
    }
    Paid paid;
    try {
      paid = v2Header.isPresent() ? paidV2(offer, v2Header.get()) : paidV1(offer, v1Header.get());
    } catch (MalformedMessageException e) {
      String header = v2Header.isPresent() ? PAYMENT_SIGNATURE : X_PAYMENT;
      String reason = "invalid " + header + " header: " + e.getMessage();
      notifyFailure(offer.event(request, v2Header.isPresent() ? 2 : 1, null, null), reason, null);
      return done(
          new GateDecision.Respond(refusal(offer, v2Header.isPresent() ? 2 : 1, reason, null)));
    } catch (Refused r) {
      notifyFailure(offer.event(request, r.version, null, null), r.getMessage(), null);
      return done(new GateDecision.Respond(refusal(offer, r.version, r.getMessage(), null)));
    }
    return admit(request, offer, paid);
  }

  // ------------------------------------------------------------------------------------ pricing

  /** What a route asks of one request, in both protocol versions. */
  private record Offer(
      ResolvedRoute route,
      ResourceInfo resource,
      List<PaymentRequirements> v2,
      List<PaymentRequirementsV1> v1,
      List<PaymentRequirements> v1AsV2) {
    PaymentEvent event(GateRequest request, int version, PaymentRequirements paid, String payer) {
      return new PaymentEvent(
          request.method(), request.path(), route.pattern(), version, paid, payer);
    }
  }

  private Offer offer(ResolvedRoute resolved, GateRequest request) {
    PaidRoute route = resolved.route();
    String url = route.resource().orElse(request.url());
    List<PaymentRequirements> v2 = new ArrayList<>();
    List<PaymentRequirementsV1> v1 = new ArrayList<>();
    List<PaymentRequirements> v1AsV2 = new ArrayList<>();
    for (PaymentOption option : route.accepts()) {
      PaymentRequirements requirement = requirement(option, request);
      v2.add(requirement);
      Optional<String> v1Name = networks.v1Name(option.network());
      if (route.protocolV1() && v1Name.isPresent()) {
        v1.add(v1Requirement(requirement, v1Name.get(), url, route, request.method()));
        v1AsV2.add(requirement);
      }
    }
    return new Offer(
        resolved,
        ResourceInfo.of(url, route.description(), route.mimeType()),
        List.copyOf(v2),
        List.copyOf(v1),
        List.copyOf(v1AsV2));
  }

  private PaymentRequirements requirement(PaymentOption option, GateRequest request) {
    Network network = option.network();
    SchemeServer server =
        schemes
            .find(2, option.scheme(), network)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no " + option.scheme() + " scheme is registered for " + network));
    Price price = Objects.requireNonNull(option.price(request), "the price function gave null");
    AssetAmount amount =
        option.asset().isPresent()
            ? server.parsePrice(price, network, option.asset().get())
            : server.parsePrice(price, network);
    String payTo = Objects.requireNonNull(option.payTo(request), "the payTo function gave null");
    if (network.isEvm()) {
      payTo = EvmAddress.parse(payTo).toString();
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (amount.extra() != null) {
      extra.putAll(amount.extra());
    }
    extra.putAll(option.extra());
    PaymentRequirements requirement =
        PaymentRequirements.builder()
            .scheme(option.scheme())
            .network(network)
            .amount(amount.amount())
            .asset(amount.asset())
            .payTo(payTo)
            .maxTimeoutSeconds(option.maxTimeoutSeconds())
            .extra(extra)
            .build();
    return server.enhanceRequirements(requirement, null);
  }

  private static PaymentRequirementsV1 v1Requirement(
      PaymentRequirements r, String v1Name, String url, PaidRoute route, String method) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "http");
    input.put("method", method);
    input.put("discoverable", true);
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("input", input);
    if (!route.outputSchema().isEmpty()) {
      schema.put("output", route.outputSchema());
    }
    PaymentRequirementsV1.Builder b =
        PaymentRequirementsV1.builder()
            .scheme(r.scheme())
            .network(v1Name)
            .maxAmountRequired(r.amount())
            .resource(url)
            .description(route.description())
            .mimeType(route.mimeType())
            .outputSchema(schema)
            .payTo(r.payTo())
            .maxTimeoutSeconds(r.maxTimeoutSeconds())
            .asset(r.asset());
    if (r.extra() != null) {
      r.extra().forEach(b::extra);
    }
    return b.build();
  }

  // -------------------------------------------------------------------------------- the payment

  /** A decoded payment matched to what the route offers. */
  private record Paid(
      int version,
      FacilitatorRequest request,
      PaymentRequirements requirement,
      Map<String, Object> payload,
      PaymentRequirementsV1 v1Requirement) {}

  /** A payment refused before the facilitator is asked. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int version;

    Refused(int version, String message) {
      super(message, null, false, false);
      this.version = version;
    }
  }

  private Paid paidV2(Offer offer, String header) throws Refused {
    if (!offer.route().route().protocolV2()) {
      throw new Refused(1, "this resource accepts protocol v1 payments (X-PAYMENT) only");
    }
    PaymentPayload payment = headers.decodePaymentSignature(header);
    PaymentRequirements match = null;
    for (PaymentRequirements offered : offer.v2()) {
      if (Requirements.accepts(offered, payment.accepted())) {
        match = offered;
        break;
      }
    }
    if (match == null) {
      throw new Refused(2, "No matching payment requirements");
    }
    if (payment.resource() != null && payment.resource().url() != null) {
      String paidFor = pathOf(payment.resource().url());
      String here = pathOf(offer.resource().url());
      if (paidFor != null && here != null && !paidFor.equalsIgnoreCase(here)) {
        throw new Refused(
            2, "the payment was made for " + paidFor + ", not for this resource (" + here + ")");
      }
      // Same path on another server: a seller with one address and several APIs must not let a
      // payment for one buy the other. Hosts are compared only when both URLs name one.
      String paidHost = originOf(payment.resource().url());
      String hereHost = originOf(offer.resource().url());
      if (paidHost != null && hereHost != null && !paidHost.equals(hereHost)) {
        throw new Refused(
            2,
            "the payment was made for a resource on "
                + Text.quote(paidHost)
                + ", not on this server ("
                + hereHost
                + ")");
      }
    }
    return new Paid(2, FacilitatorRequest.of(payment, match), match, payment.payload(), null);
  }

  private Paid paidV1(Offer offer, String header) throws Refused {
    PaymentPayloadV1 payment = headers.decodeXPayment(header);
    for (int i = 0; i < offer.v1().size(); i++) {
      PaymentRequirementsV1 offered = offer.v1().get(i);
      if (offered.scheme().equals(payment.scheme())
          && offered.network().equals(payment.network())) {
        return new Paid(
            1,
            FacilitatorRequest.of(payment, offered),
            offer.v1AsV2().get(i),
            payment.payload(),
            offered);
      }
    }
    throw new Refused(
        1,
        offer.v1().isEmpty()
            ? "this resource does not accept protocol v1 payments"
            : "Unable to find matching payment requirements");
  }

  /** Host and port of {@code url}, lower case, the port filled in from the scheme; or null. */
  private static String originOf(String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getHost() == null || uri.getScheme() == null) {
        return null;
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      if (port < 0) {
        port = "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
      }
      return uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String pathOf(String url) {
    try {
      String path = URI.create(url).getPath();
      return path == null ? null : Paths.normalize(path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private CompletableFuture<GateDecision> admit(GateRequest request, Offer offer, Paid paid) {
    PaymentRequirements requirement = paid.requirement();
    PaymentEvent event = offer.event(request, paid.version(), requirement, null);
    PaymentIdentity identity;
    try {
      // From parsed values, so a respelled copy is the same payment; a malformed one is refused
      // here, before it takes a replay-store entry or a facilitator call.
      identity = PaymentIds.identify(schemes, paid.version(), requirement, paid.payload());
    } catch (IllegalArgumentException e) {
      String reason = "invalid payment payload: " + e.getMessage();
      notifyFailure(event, reason, null);
      return done(new GateDecision.Respond(refusal(offer, paid.version(), reason, null)));
    }
    String key = identity.id();
    Instant expiry =
        PaymentIds.expiry(
            identity, clock.instant().plusSeconds(requirement.maxTimeoutSeconds() + 60L));
    ReplayStore.Acquisition acquired;
    try {
      acquired = guard.acquire(key, expiry);
    } catch (RuntimeException e) {
      // Without the store the gate cannot know the payment is unused: refuse, never risk twice.
      LOG.error("replay store unavailable: {}", e.getMessage());
      notifyFailure(event, "replay_store_unavailable", e);
      return done(
          new GateDecision.Respond(
              error(503, "payments cannot be checked right now; try again shortly")));
    }
    switch (acquired.state()) {
      case BUSY:
        notifyFailure(event, "payment_in_use", null);
        return done(
            new GateDecision.Respond(
                refusal(
                    offer, paid.version(), "this payment is being used by another request", null)));
      case USED:
        notifyFailure(event, "payment_already_used", null);
        return done(
            new GateDecision.Respond(
                refusal(offer, paid.version(), "this payment has already been used", null)));
      case RESUMED:
        // Verified before; its settlement was pending. Follow it rather than verify again: the
        // transaction may already have used the authorization.
        return admitVerified(
            new Flow(request, offer, paid, key, acquired.settlementId(), true, event));
      case NEW:
      default:
        break;
    }
    Flow flow = new Flow(request, offer, paid, key, acquired.settlementId(), false, event);
    notify(l -> l.beforeVerify(event));
    return facilitator
        .verify(paid.request())
        .handle(
            (verdict, error) -> {
              if (error != null) {
                remember(() -> guard.release(key));
                Throwable cause = Futures.unwrap(error);
                LOG.warn("verification failed: facilitator error: {}", cause.getMessage());
                notifyFailure(event, "facilitator_unreachable", cause);
                return done(
                    (GateDecision)
                        new GateDecision.Respond(
                            error(502, "the facilitator could not verify the payment")));
              }
              PaymentEvent verified = flow.withPayer(verdict.payer());
              notify(l -> l.afterVerify(verified, verdict));
              if (!verdict.isValid()) {
                remember(() -> guard.release(key));
                String reason =
                    verdict.invalidReason() == null
                        ? ErrorReason.INVALID_PAYLOAD.wire()
                        : verdict.invalidReason();
                notifyFailure(verified, reason, null);
                return done(
                    (GateDecision)
                        new GateDecision.Respond(
                            refusal(offer, paid.version(), reason, verdict.payer())));
              }
              return admitVerified(flow.payer(verdict.payer()));
            })
        .thenCompose(f -> f);
  }

  /** Everything known about one paid request. */
  static final class Flow {
    final GateRequest request;
    final Offer offer;
    final Paid paid;
    final String key;
    final String settlementId;
    // Continues a settlement that went pending earlier: it may already have moved the money.
    final boolean resumed;
    PaymentEvent event;

    Flow(
        GateRequest request,
        Offer offer,
        Paid paid,
        String key,
        String settlementId,
        boolean resumed,
        PaymentEvent event) {
      this.request = request;
      this.offer = offer;
      this.paid = paid;
      this.key = key;
      this.settlementId = settlementId;
      this.resumed = resumed;
      this.event = event;
    }

    PaymentEvent withPayer(String payer) {
      return new PaymentEvent(
          event.method(),
          event.path(),
          event.route(),
          event.x402Version(),
          event.requirements(),
          payer);
    }

    Flow payer(String payer) {
      this.event = withPayer(payer);
      return this;
    }

    int version() {
      return paid.version();
    }
  }

  private CompletableFuture<GateDecision> admitVerified(Flow flow) {
    if (!flow.offer.route().route().settleBeforeHandler()) {
      return done(new GateDecision.Admit(new Admission(this, flow, null)));
    }
    return settle(flow)
        .thenApply(
            outcome ->
                outcome instanceof Completion.Release release
                    ? new GateDecision.Admit(new Admission(this, flow, release))
                    : new GateDecision.Respond(((Completion.Refuse) outcome).response()));
  }

  /**
   * Tells the replay store what became of a payment. A store failure here is logged, not passed on:
   * the entry then stays "in use" until the payment expires, which refuses replays (fail closed)
   * and never takes away a response already paid for.
   */
  private static void remember(Runnable update) {
    try {
      update.run();
    } catch (RuntimeException e) {
      LOG.error("replay store update failed: {}", e.getMessage());
    }
  }

  // --------------------------------------------------------------------------------- settlement

  /** Settles an admitted payment after its handler answered {@code status}. */
  CompletableFuture<Completion> complete(Flow flow, int status, Completion.Release upfront) {
    if (upfront != null) {
      return done(upfront); // paid before the handler ran: the response goes out whatever it is
    }
    if (status >= 400) {
      unused(flow); // nothing was delivered, so nothing is charged
      notifyFailure(flow.event, "handler_failed_" + status, null);
      return done(
          new Completion.Release(Map.of("Access-Control-Expose-Headers", EXPOSED_HEADERS), false));
    }
    return settle(flow);
  }

  /** The handler failed or its response could not be kept: the payment was not used. */
  void abandon(Flow flow, Completion.Release upfront) {
    if (upfront == null) {
      unused(flow);
    }
  }

  /**
   * Nothing was delivered for this request. A new payment is free to be presented again; a resumed
   * one goes back to waiting on its settlement, which may already have moved the money and must
   * stay this gate's attempt to follow (released, its next use would be a new attempt and a
   * duplicate).
   */
  private void unused(Flow flow) {
    if (flow.resumed) {
      keepPending(flow);
    } else {
      remember(() -> guard.release(flow.key));
    }
  }

  /** The settlement's outcome is not known: the same payment may come back to follow it. */
  private void keepPending(Flow flow) {
    remember(
        () ->
            guard.pending(flow.key, flow.settlementId, clock.instant().plus(Duration.ofHours(1))));
  }

  private CompletableFuture<Completion> settle(Flow flow) {
    notify(l -> l.beforeSettle(flow.event));
    Instant deadline = clock.instant().plus(pendingWait);
    return settleOnce(flow, deadline);
  }

  private CompletableFuture<Completion> settleOnce(Flow flow, Instant deadline) {
    // The id names this gate's attempt: a repeat of it (a pending settlement followed, a lost
    // answer) learns its outcome, while another server's copy of the payment is a duplicate.
    return facilitator
        .settle(flow.paid.request().withSettlementId(flow.settlementId))
        .handle(
            (receipt, error) -> {
              if (error != null) {
                Throwable cause = Futures.unwrap(error);
                // The settlement may or may not have happened: keep the payment presentable again.
                keepPending(flow);
                LOG.warn("settlement failed: facilitator error: {}", cause.getMessage());
                notifyFailure(flow.event, "facilitator_unreachable", cause);
                return done(
                    (Completion)
                        new Completion.Refuse(
                            error(
                                502,
                                "the facilitator did not answer the settlement; send the same"
                                    + " payment again to complete it")));
              }
              notify(l -> l.afterSettle(flow.event, receipt));
              if (receipt.success()) {
                remember(() -> guard.settled(flow.key));
                return done(
                    (Completion) new Completion.Release(receiptHeaders(flow, receipt), true));
              }
              if (receipt.isPending()) {
                return pending(flow, receipt, deadline);
              }
              remember(() -> guard.release(flow.key));
              notifyFailure(flow.event, String.valueOf(receipt.errorReason()), null);
              return done((Completion) new Completion.Refuse(settlementRefusal(flow, receipt)));
            })
        .thenCompose(f -> f);
  }

  private CompletableFuture<Completion> pending(
      Flow flow, SettleResponse receipt, Instant deadline) {
    if (pendingPolicy == PendingSettlement.RELEASE) {
      // The response goes out now, so the payment has bought it: presented again it is used,
      // not a settlement to follow (that would serve it a second time).
      remember(() -> guard.settled(flow.key));
      LOG.info(
          "released {} {} with pending settlement {}",
          flow.request.method(),
          flow.request.path(),
          receipt.transaction());
      return done(new Completion.Release(receiptHeaders(flow, receipt), true));
    }
    // While this request still polls, the payment stays in use: a copy sent meanwhile is busy,
    // not a settlement to follow (it would be served too when this one is).
    if (clock.instant().plus(pendingPoll).isBefore(deadline)) {
      CompletableFuture<Completion> next = new CompletableFuture<>();
      scheduler.schedule(
          () ->
              settleOnce(flow, deadline)
                  .whenComplete(
                      (c, e) -> {
                        if (e != null) {
                          next.completeExceptionally(e);
                        } else {
                          next.complete(c);
                        }
                      }),
          pendingPoll.toMillis(),
          TimeUnit.MILLISECONDS);
      return next;
    }
    keepPending(flow);
    notifyFailure(flow.event, ErrorReason.SETTLEMENT_PENDING.wire(), null);
    GateResponse refusal = settlementRefusal(flow, receipt);
    Map<String, String> withRetry = new LinkedHashMap<>(refusal.headers());
    withRetry.put("Retry-After", "5");
    return done(new Completion.Refuse(new GateResponse(402, withRetry, refusal.body())));
  }

  private Map<String, String> receiptHeaders(Flow flow, SettleResponse receipt) {
    Map<String, String> out = new LinkedHashMap<>();
    if (flow.version() == 2) {
      out.put(PAYMENT_RESPONSE, headers.encodePaymentResponse(receipt));
    } else {
      out.put(X_PAYMENT_RESPONSE, headers.encodeXPaymentResponse(receipt));
    }
    out.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    return out;
  }

  private GateResponse settlementRefusal(Flow flow, SettleResponse receipt) {
    String reason =
        receipt.errorReason() == null
            ? ErrorReason.UNEXPECTED_SETTLE_ERROR.wire()
            : receipt.errorReason();
    if (flow.version() == 1) {
      // The v1 SDK sends no receipt with a failed settlement; its client rejects an empty hash.
      return GateResponse.of(
          402, JSON, v1Body(flow.offer, reason, receipt.payer()), baseHeaders(flow.offer));
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put(PAYMENT_RESPONSE, headers.encodePaymentResponse(receipt));
    h.put("Cache-Control", "no-store");
    h.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    return GateResponse.of(402, JSON, "{}", h);
  }

  // ------------------------------------------------------------------------------------ answers

  private GateResponse unpaid(Offer offer, GateRequest request) {
    Map<String, String> h = baseHeaders(offer, "Payment required");
    if (paywall.enabled() && offer.route().route().protocolV2() && isBrowser(request)) {
      String html =
          paywall.customHtml() != null
              ? paywall.customHtml()
              : PaywallPage.render(
                  PaymentRequired.of("Payment required", offer.resource(), offer.v2()),
                  networks,
                  paywall.appName(),
                  wire);
      return GateResponse.of(402, "text/html; charset=utf-8", html, h);
    }
    String body = offer.v1().isEmpty() ? "{}" : v1Body(offer, "X-PAYMENT header is required", null);
    return GateResponse.of(402, JSON, body, h);
  }

  private GateResponse refusal(Offer offer, int version, String reason, String payer) {
    Map<String, String> h = baseHeaders(offer, reason);
    String body = version == 1 && !offer.v1().isEmpty() ? v1Body(offer, reason, payer) : "{}";
    return GateResponse.of(402, JSON, body, h);
  }

  private Map<String, String> baseHeaders(Offer offer) {
    return baseHeaders(offer, null);
  }

  private Map<String, String> baseHeaders(Offer offer, String error) {
    Map<String, String> h = new LinkedHashMap<>();
    if (error != null && offer.route().route().protocolV2()) {
      h.put(
          PAYMENT_REQUIRED,
          headers.encodePaymentRequired(PaymentRequired.of(error, offer.resource(), offer.v2())));
    }
    h.put("Cache-Control", "no-store");
    h.put("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    return h;
  }

  private String v1Body(Offer offer, String error, String payer) {
    ObjectNode root = mapper.createObjectNode();
    root.put("x402Version", 1);
    root.put("error", error);
    ArrayNode accepts = root.putArray("accepts");
    for (PaymentRequirementsV1 r : offer.v1()) {
      try {
        accepts.add(mapper.readTree(wire.toJson(r)));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot re-read our own JSON", e);
      }
    }
    if (payer != null) {
      root.put("payer", payer);
    }
    return root.toString();
  }

  private GateResponse error(int status, String message) {
    ObjectNode body = mapper.createObjectNode();
    body.put("error", message);
    return GateResponse.of(status, JSON, body.toString(), Map.of("Cache-Control", "no-store"));
  }

  private static boolean isBrowser(GateRequest request) {
    return request.header("Accept").orElse("").contains("text/html")
        && request.header("User-Agent").orElse("").contains("Mozilla");
  }

  // ------------------------------------------------------------------------------------- hooks

  private void notify(java.util.function.Consumer<PaymentListener> call) {
    for (PaymentListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("payment listener {} failed", l.getClass().getName(), e);
      }
    }
  }

  private void notifyFailure(PaymentEvent event, String reason, Throwable error) {
    notify(l -> l.onFailure(event, reason, error));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** One daemon thread for the pending-settlement polls of gates built without a scheduler. */
  private static final class SharedScheduler {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "x402j-gate-scheduler");
              t.setDaemon(true);
              return t;
            });
  }

  /** Builds a {@link PaymentGate}. */
  public static final class Builder {
    private RouteResolver routes;
    private Facilitator facilitator;
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private SchemeRegistry<SchemeServer> schemes;
    private final List<PaymentListener> listeners = new ArrayList<>();
    private PendingSettlement pendingPolicy = PendingSettlement.WAIT;
    private Duration pendingWait = Duration.ofSeconds(20);
    private Duration pendingPoll = Duration.ofSeconds(2);
    private PaywallOptions paywall = PaywallOptions.defaults();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private ReplayStore replayStore;

    private Builder() {}

    /** The facilitator that verifies and settles: remote over HTTP, or in-process. */
    public Builder facilitator(Facilitator facilitator) {
      this.facilitator = Objects.requireNonNull(facilitator, "facilitator");
      return this;
    }

    /** The paid routes. */
    public Builder routes(RouteResolver routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** The networks and tokens prices are resolved with (default: the public ones). */
    public Builder networks(NetworkRegistry networks) {
      this.networks = Objects.requireNonNull(networks, "networks");
      return this;
    }

    /** The schemes that price requirements (default: exact on every EVM network). */
    public Builder schemes(SchemeRegistry<SchemeServer> schemes) {
      this.schemes = Objects.requireNonNull(schemes, "schemes");
      return this;
    }

    /** Adds hooks around verification and settlement. */
    public Builder listener(PaymentListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * What to do with {@code settlement_pending} (default {@link PendingSettlement#WAIT}, asking
     * again every {@code poll} for up to {@code wait}: 2 s and 20 s).
     */
    public Builder pendingSettlement(PendingSettlement policy, Duration wait, Duration poll) {
      this.pendingPolicy = Objects.requireNonNull(policy, "policy");
      if (wait.isNegative() || poll.isNegative() || poll.isZero()) {
        throw new IllegalArgumentException("pending wait must be ≥ 0 and poll > 0");
      }
      this.pendingWait = wait;
      this.pendingPoll = poll;
      return this;
    }

    /** The browser paywall (default: the built-in page). */
    public Builder paywall(PaywallOptions paywall) {
      this.paywall = Objects.requireNonNull(paywall, "paywall");
      return this;
    }

    /** The clock for payment lifetimes. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where payments in use and used are remembered (default: this gate's memory). Every instance
     * of an API behind a load balancer must share one store, e.g. {@link ReplayStore#jdbc}, or one
     * payment sent to two instances at once can buy two responses.
     */
    public Builder replayStore(ReplayStore replayStore) {
      this.replayStore = Objects.requireNonNull(replayStore, "replayStore");
      return this;
    }

    /** The scheduler for pending-settlement polls (default: one shared daemon thread). */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The gate. Fixed prices and recipients are checked now, so a misconfigured route fails here
     * rather than on its first request.
     *
     * @throws IllegalStateException without a facilitator or routes
     * @throws IllegalArgumentException naming the route whose price or recipient is unusable
     */
    public PaymentGate build() {
      if (facilitator == null) {
        throw new IllegalStateException("a payment gate needs a facilitator");
      }
      if (routes == null) {
        throw new IllegalStateException("a payment gate needs routes");
      }
      PaymentGate gate = new PaymentGate(this);
      if (routes instanceof RouteTable table) {
        List<String> patterns = table.patterns();
        List<PaidRoute> list = table.routes();
        for (int i = 0; i < list.size(); i++) {
          for (PaymentOption option : list.get(i).accepts()) {
            if (!list.get(i).protocolV2() && networks.v1Name(option.network()).isEmpty()) {
              throw new IllegalArgumentException(
                  "route "
                      + patterns.get(i)
                      + " speaks protocol v1 only, but "
                      + option.network()
                      + " has no v1 name");
            }
            if (option.fixedPrice().isPresent() && option.fixedPayTo().isPresent()) {

              try {
                gate.requirement(option, null);
              } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                    "route " + patterns.get(i) + " (" + option + "): " + e.getMessage(), e);
              }
            }
          }
        }
      }
      return gate;
    }
  }
}
