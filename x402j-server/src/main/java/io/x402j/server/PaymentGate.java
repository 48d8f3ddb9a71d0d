package io.x402j.server;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.Facilitator;
import io.x402j.core.scheme.SchemeRegistry;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.support.Futures;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.ExactEvmServer;
import io.x402j.evm.UptoEvmServer;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.internal.GasSponsoring;
import io.x402j.server.internal.GateExtensions;
import io.x402j.server.internal.IdempotentPayments;
import io.x402j.server.internal.Offers;
import io.x402j.server.internal.PaidRequest;
import io.x402j.server.internal.PaymentAdmission;
import io.x402j.server.internal.PaymentHeaderCopies;
import io.x402j.server.internal.PaymentListeners;
import io.x402j.server.internal.PaymentMatch;
import io.x402j.server.internal.PaymentMatcher;
import io.x402j.server.internal.PaymentSettlement;
import io.x402j.server.internal.ReplayRecorder;
import io.x402j.server.internal.ResponseRenderer;
import io.x402j.server.internal.RouteOffer;
import io.x402j.server.internal.SalesLedger;
import io.x402j.server.internal.SupportedKinds;
import io.x402j.svm.ExactSvmServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * X-PAYMENT-RESPONSE} (the names are {@link PaymentHeader}'s). One payment buys one response: a
 * payment being used by one request is refused to another, and a settled one is refused for good.
 *
 * <p>The gate only sequences its parts: a route's offer is priced, the payment header matched to
 * it, the payment admitted (replay store, verification), settled after the handler, and every
 * answer rendered, each by its own class in {@code io.x402j.server.internal}.
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
public final class PaymentGate implements AutoCloseable {
  /** The headers browsers' scripts may read across origins, set on every gated response. */
  public static final String EXPOSED_HEADERS =
      String.join(
          ", ",
          PaymentHeader.PAYMENT_REQUIRED.headerName(),
          PaymentHeader.PAYMENT_RESPONSE.headerName(),
          PaymentHeader.X_PAYMENT_RESPONSE.headerName());

  private static final Logger LOG = LoggerFactory.getLogger(PaymentGate.class);

  private final RouteResolver routes;
  private final Offers offers;
  private final PaymentMatcher matcher;
  private final PaymentAdmission admission;
  private final PaymentSettlement settlement;
  private final ResponseRenderer render;
  private final PaymentListeners listeners;
  private final List<AutoCloseable> closing;
  private final SupportedKinds supported;
  private final GateExtensions extensions;
  private final AtomicBoolean sponsoringUnknown = new AtomicBoolean();

  private PaymentGate(Builder b, SchemeRegistry<SchemeServer> schemes) {
    HeaderCodec headers = HeaderCodec.standard();
    ReplayStore store = b.replayStore != null ? b.replayStore : ReplayStore.inMemory(b.clock);
    ReplayRecorder replay = new ReplayRecorder(store, b.clock);
    this.routes = b.routes;
    this.offers = new Offers(schemes, b.networks);
    this.matcher = new PaymentMatcher(headers);
    this.supported = new SupportedKinds(b.facilitator, b.clock);
    this.closing = List.copyOf(b.closing);
    this.listeners =
        new PaymentListeners(
            b.listeners, b.salesRecord == null ? null : new SalesLedger(b.salesRecord, b.clock));
    List<GateExtension> all = new ArrayList<>();
    if (b.extensions.stream()
        .noneMatch(e -> io.x402j.core.extensions.bazaar.BazaarDeclaration.KEY.equals(e.key()))) {
      all.add(new BazaarDiscovery()); // declares only for routes with a discovery description
    }
    all.addAll(b.extensions);
    this.extensions = new GateExtensions(all);
    this.render = new ResponseRenderer(b.networks, b.paywall, headers, WireCodec.standard());
    // The payment-identifier extension keeps its ids in the replay store, before verification.
    IdempotentPayments ids =
        b.extensions.stream().anyMatch(PaymentIdentifiers.class::isInstance)
            ? new IdempotentPayments(store)
            : null;
    this.admission =
        new PaymentAdmission(
            b.facilitator, schemes, store, replay, listeners, render, b.clock, ids);
    this.settlement =
        new PaymentSettlement(
            b.facilitator,
            b.networks,
            replay,
            listeners,
            render,
            new PaymentSettlement.Pending(b.pendingPolicy, b.pendingWait, b.pendingPoll),
            b.clock,
            b.scheduler != null ? b.scheduler : pollScheduler(),
            extensions,
            ids);
  }

  /**
   * The scheduler of a gate built without one: its own, with one daemon thread that starts at the
   * first poll of a pending settlement and ends after a minute without one. Nothing to close.
   */
  private static ScheduledExecutorService pollScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "x402j-gate-poll");
              t.setDaemon(true);
              return t;
            });
    scheduler.setKeepAliveTime(1, TimeUnit.MINUTES);
    scheduler.allowCoreThreadTimeOut(true);
    return scheduler;
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
   *
   * <p>A request to a priced route that carries its payment more than once (two {@code
   * PAYMENT-SIGNATURE} or two {@code X-PAYMENT} headers, one of each, a copy spelt with {@code _}
   * for {@code -}, or one value holding several comma-separated ones; {@link
   * GateRequest#headerValues}) is answered 400 naming the headers once the route is resolved,
   * before anything is priced, verified or held: this gate would read one copy while the
   * application or a proxy behind it may read another. Requests to free routes pass as they are.
   */
  public CompletableFuture<GateDecision> check(GateRequest request) {
    Optional<ResolvedRoute> resolved;
    try {
      resolved = route(request);
    } catch (RuntimeException e) {
      LOG.error("route resolution failed for {} {}", request.method(), request.path(), e);
      return respond(render.error(500, "the payment route could not be resolved"));
    }
    if (resolved.isEmpty()) {
      return done(new GateDecision.Free());
    }
    ResolvedRoute route = resolved.get();
    // Before anything is priced, verified or held: a payment sent more than once may be paid with
    // one copy here and read from another behind the seller.
    Optional<String> copies = PaymentHeaderCopies.refusal(request);
    if (copies.isPresent()) {
      LOG.debug("{} {} refused: {}", request.method(), request.path(), copies.get());
      return respond(render.error(400, copies.get()));
    }
    if (!offers.needsSupportedKinds(route.route())) {
      return priced(route, request, null, false);
    }
    return supported
        .get()
        .handle(
            (kinds, error) -> {
              if (error != null) {
                LOG.error(
                    "route {} cannot be priced: the facilitator's /supported failed: {}",
                    route.pattern(),
                    Futures.unwrap(error).toString());
                return respond(
                    render.error(
                        502,
                        "route "
                            + route.pattern()
                            + " cannot be priced: the facilitator's supported payment kinds are"
                            + " unavailable"));
              }
              return priced(route, request, kinds, true);
            })
        .thenCompose(f -> f);
  }

  /**
   * Prices {@code route} for {@code request} and answers the payment header against the offer.
   * {@code asked} says whether {@code kinds} is the facilitator's answer (else it was not needed to
   * price the route and is null).
   */
  private CompletableFuture<GateDecision> priced(
      ResolvedRoute route, GateRequest request, SupportedResponse kinds, boolean asked) {
    RouteOffer offer;
    try {
      offer = offers.offer(route, request, kinds);
    } catch (Offers.NoUsableOffer e) {
      return respond(render.error(503, e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("route {} cannot be priced: {}", route.pattern(), e.getMessage());
      return respond(render.error(500, "route " + route.pattern() + " cannot be priced"));
    }
    try {
      offer =
          offer.declaring(extensions.declarations(route, request, offer.resource(), offer.v2()));
    } catch (GateExtensions.Failure e) {
      return respond(render.error(500, e.getMessage()));
    }
    if (!GasSponsoring.offersPermit2(offer)) {
      return matched(offer, request);
    }
    if (asked) {
      return matched(offer.declaring(GasSponsoring.declarations(kinds)), request);
    }
    // A Permit2 option declares the gas sponsoring the facilitator lists; without an answer the
    // option is still offered, only without the declaration (a payer then needs an allowance).
    RouteOffer plain = offer;
    return supported
        .get()
        .handle(
            (answer, error) -> {
              if (error != null) {
                if (sponsoringUnknown.compareAndSet(false, true)) {
                  LOG.warn(
                      "Permit2 options are offered without gas sponsoring until the"
                          + " facilitator's /supported answers: {}",
                      Futures.unwrap(error).toString());
                }
                return plain;
              }
              sponsoringUnknown.set(false);
              return plain.declaring(GasSponsoring.declarations(answer));
            })
        .thenCompose(o -> matched(o, request));
  }

  /**
   * Lets {@code request} through without payment when an extension waives it (e.g. a wallet
   * sign-in), else answers its payment header against {@code offer}.
   */
  private CompletableFuture<GateDecision> matched(RouteOffer offer, GateRequest request) {
    if (extensions.isEmpty()) {
      return paying(offer, request, null);
    }
    return extensions
        .waive(offer.resolved(), request)
        .thenCompose(
            waived -> {
              if (waived.isPresent()
                  && waived.get().waiver() instanceof PaymentWaiver.Granted granted) {
                LOG.debug(
                    "{} {} served without payment: {} admitted {}",
                    request.method(),
                    request.path(),
                    waived.get().key(),
                    granted.subject());
                return done(new GateDecision.Free(granted));
              }
              return paying(offer, request, waived.map(GateExtensions.Waived::error).orElse(null));
            });
  }

  /**
   * Answers the payment header of {@code request} against {@code offer}; {@code waiverRefused} is
   * the error of a request without payment whose waiver an extension denied, or {@code null}.
   */
  private CompletableFuture<GateDecision> paying(
      RouteOffer offer, GateRequest request, String waiverRefused) {
    PaymentMatch match = matcher.match(offer, request);
    if (match instanceof PaymentMatch.Refused refused) {
      listeners.unmatched(
          offer.event(request, refused.x402Version(), null, null), offer, refused.reason());
      return respond(render.refusal(offer, refused.x402Version(), refused.reason(), null));
    }
    if (match instanceof PaymentMatch.Matched matched) {
      Optional<GateExtensions.Refused> refused = extensions.check(offer.extensions(), matched);
      if (refused.isPresent()) {
        listeners.failure(
            offer.event(request, matched.x402Version(), matched.requirements(), null),
            refused.get().refusal().reason(),
            null);
        return respond(render.refusal(offer, matched.x402Version(), refused.get().error(), null));
      }
      return admission.admit(request, offer, matched).thenCompose(this::admitted);
    }
    if (waiverRefused != null) {
      return respond(render.refusal(offer, 2, waiverRefused, null));
    }
    return respond(render.unpaid(offer, request));
  }

  /** Hands an admitted payment to its handler; settles it first when its route asks. */
  private CompletableFuture<GateDecision> admitted(PaymentAdmission.Outcome outcome) {
    if (outcome instanceof PaymentAdmission.Outcome.Refused refused) {
      return respond(refused.response());
    }
    PaidRequest paid = ((PaymentAdmission.Outcome.Admitted) outcome).paid();
    listeners.admitted(paid);
    if (!paid.offer().route().settleBeforeHandler()) {
      return done(new GateDecision.Admit(new Admission(settlement, paid, null)));
    }
    return settlement
        .settle(paid)
        .thenApply(
            completion ->
                completion instanceof Completion.Release release
                    ? new GateDecision.Admit(new Admission(settlement, paid, release))
                    : new GateDecision.Respond(((Completion.Refuse) completion).response()));
  }

  /**
   * Writes the sales events still queued for the sales record (waiting a few seconds at most) and
   * stops its writer; close the gate before the record. Then closes what was handed to {@link
   * Builder#closing}, last first (a failure is logged, the others are still closed). A closed gate
   * still serves (admitted events are then dropped and counted).
   */
  @Override
  public void close() {
    listeners.close();
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", closing.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }

  private static CompletableFuture<GateDecision> respond(GateResponse response) {
    return done(new GateDecision.Respond(response));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Builds a {@link PaymentGate}. */
  public static final class Builder {
    private RouteResolver routes;
    private Facilitator facilitator;
    private NetworkRegistry networks = NetworkRegistry.defaults();
    private SchemeRegistry<SchemeServer> schemes;
    private final List<PaymentListener> listeners = new ArrayList<>();
    private final List<GateExtension> extensions = new ArrayList<>();
    private PendingSettlement pendingPolicy = PendingSettlement.WAIT;
    private Duration pendingWait = Duration.ofSeconds(20);
    private Duration pendingPoll = Duration.ofSeconds(2);
    private PaywallOptions paywall = PaywallOptions.defaults();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private ReplayStore replayStore;
    private SalesRecord salesRecord;
    private boolean permit2;
    private final List<AutoCloseable> closing = new ArrayList<>();

    private Builder() {}

    /**
     * How the default schemes ask EVM payers to pay {@code exact} options: {@code eip3009} (the
     * default, {@code transferWithAuthorization}) or {@code permit2} ({@code
     * extra.assetTransferMethod: "permit2"}, any ERC-20, through the x402 exact proxy). {@code
     * upto} options always use Permit2. Ignored when {@link #schemes} are given.
     *
     * @throws IllegalArgumentException for any other method
     */
    public Builder exactAssetTransferMethod(String method) {
      if ("permit2".equals(method)) {
        this.permit2 = true;
      } else if ("eip3009".equals(method)) {
        this.permit2 = false;
      } else {
        throw new IllegalArgumentException(
            "asset transfer method must be eip3009 or permit2, got "
                + io.x402j.core.support.Text.quote(method));
      }
      return this;
    }

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

    /**
     * The schemes that price requirements (default: exact on every EVM and every Solana network,
     * upto (protocol v2) on every EVM network).
     */
    public Builder schemes(SchemeRegistry<SchemeServer> schemes) {
      this.schemes = Objects.requireNonNull(schemes, "schemes");
      return this;
    }

    /**
     * Something the gate's parts use that {@link PaymentGate#close} closes, after the sales record
     * is flushed (an extension's connection pool, say). Closed last first.
     */
    public Builder closing(AutoCloseable resource) {
      closing.add(Objects.requireNonNull(resource, "resource"));
      return this;
    }

    /** Adds hooks around verification and settlement. */
    public Builder listener(PaymentListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a protocol v2 extension: what it declares goes in the 402's {@code extensions} (beside
     * the gas sponsoring the gate declares itself), it checks a payment's echo before the payment
     * is verified, and it may add to the receipt of a settled payment. Several may be added; each
     * key only once ({@link #build} refuses a repeated key or a gas-sponsoring one).
     */
    public Builder extension(GateExtension extension) {
      extensions.add(Objects.requireNonNull(extension, "extension"));
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

    /** The clock for payment lifetimes and for how long a pending settlement is followed. */
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

    /**
     * Where every sale is recorded (default: nowhere): the gate tells it, once per event, that a
     * payment was admitted, settled, refused or left pending, with route, price, asset, network,
     * payer, payment id and transaction. Only the outcome is written on the request's thread (one
     * insert); admitted is written by a background writer, and refusals of unverified payments are
     * only counted (see {@link SalesRecord}). A record that fails is logged once, backed off from
     * and never fails the sale; {@link PaymentGate#close} flushes the writer. {@code x402j-sales}
     * has a JDBC one.
     */
    public Builder salesRecord(SalesRecord salesRecord) {
      this.salesRecord = Objects.requireNonNull(salesRecord, "salesRecord");
      return this;
    }

    /**
     * The scheduler for pending-settlement polls. It stays the caller's: the gate never shuts it
     * down. Default: the gate's own, whose one daemon thread runs only while polls are due.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The gate. Fixed prices and recipients are checked now, so a misconfigured route fails here
     * rather than on its first request.
     *
     * @throws IllegalStateException without a facilitator or routes
     * @throws IllegalArgumentException naming the route whose price or recipient is unusable, or an
     *     extension whose key is used twice or is a gas-sponsoring key
     */
    public PaymentGate build() {
      if (facilitator == null) {
        throw new IllegalStateException("a payment gate needs a facilitator");
      }
      if (routes == null) {
        throw new IllegalStateException("a payment gate needs routes");
      }
      PaymentGate gate =
          new PaymentGate(
              this,
              schemes != null
                  ? schemes
                  : SchemeRegistry.<SchemeServer>builder()
                      .registerBothVersions(
                          "exact",
                          NetworkPattern.namespace("eip155"),
                          permit2
                              ? new ExactEvmServer(networks).withPermit2()
                              : new ExactEvmServer(networks))
                      .registerBothVersions(
                          "exact",
                          NetworkPattern.namespace(Network.SOLANA),
                          new ExactSvmServer(networks, clock))
                      .register(
                          2,
                          PaymentOption.UPTO,
                          NetworkPattern.namespace("eip155"),
                          new UptoEvmServer(networks))
                      .build());
      if (routes instanceof RouteTable table) {
        gate.offers.check(table);
      }
      return gate;
    }
  }
}
