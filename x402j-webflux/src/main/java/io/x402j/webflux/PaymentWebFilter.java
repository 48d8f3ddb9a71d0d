package io.x402j.webflux;

import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateResponse;
import io.x402j.server.PaymentGate;
import io.x402j.server.RequestPath;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.SettlementOverride;
import io.x402j.webflux.internal.HeldResponse;
import io.x402j.webflux.internal.PreflightResponse;
import io.x402j.webflux.internal.WebFluxGateRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Puts a {@link PaymentGate} in front of a Spring WebFlux application. Unpaid requests to paid
 * routes get the gate's 402; a paid request runs with its response held in memory (up to a limit, 8
 * MiB by default) and is released only once the payment is settled, with the receipt header. A
 * handler that fails ({@code status ≥ 400}, or an error signal) is not charged; one that writes
 * more than the limit is not charged either, and is answered with 500 naming the reason.
 *
 * <p><b>No blocking on the event loop.</b> The gate's facilitator calls are asynchronous (its
 * {@code HttpFacilitatorClient} sends them with {@code java.net.http}'s {@code sendAsync}), but the
 * steps around them are not all so: a JDBC {@link io.x402j.server.ReplayStore}, a listener that
 * writes a sales record, an extension that checks a wallet signature against a chain, the log. So
 * every call into the gate ({@link PaymentGate#check}, {@link Admission#complete}, {@link
 * Admission#abandon}) is made on a bounded scheduler ({@link Schedulers#boundedElastic()} unless
 * another is given), never on the thread that received the request; what the gate computes
 * asynchronously is then awaited without blocking ({@link Mono#fromFuture}). That costs a thread
 * hop per priced request, little beside a facilitator's round trip, and keeps blocking parts
 * pluggable. Only the route lookup ({@link PaymentGate#route}) runs on the calling thread, so that
 * unpriced requests pass without a hop: a {@link io.x402j.server.RouteResolver} must not block
 * (route tables and Spring's handler mappings do not). A paid handler runs on the thread its
 * payment was verified on; its response is captured without blocking and written once.
 *
 * <p>Register it as a {@code WebFilter} bean (the x402j Spring Boot starter does so); requests to
 * routes the gate does not price pass through untouched. What is priced is what WebFlux dispatches:
 * {@code HEAD} is priced like {@code GET}, an {@code OPTIONS} like the route of its path, and a
 * request whose path servers may read two ways ({@code ..}, {@code //}, {@code ;x=…}, {@code %2F},
 * …) is answered 400 before anything runs. A CORS preflight is free, and only its status and CORS
 * headers reach the client.
 *
 * <p>An {@code upto} route charges what its handler says it used, at most the ceiling the payer
 * authorised (the exchange attribute {@value #CEILING_ATTRIBUTE} holds it as a {@link
 * io.x402j.core.TokenAmount}): the handler sets the exchange attribute {@value
 * #SETTLEMENT_AMOUNT_ATTRIBUTE} (a {@link SettlementOverride}, a whole number of atomic units, or a
 * string such as {@code "2500"}, {@code "$0.0025"} or {@code "50%"}) or the response header {@value
 * SettlementOverride#HEADER}, which never reaches the payer. Stating nothing charges the whole
 * ceiling. An invalid amount, one above the ceiling, or two different ones charge nothing and
 * answer 500.
 *
 * <p><b>Held responses are bounded in time.</b> A paid handler must finish within the hold limit
 * (by default the paid requirement's {@code maxTimeoutSeconds}, after which the payment could no
 * longer be settled; {@link #PaymentWebFilter(PaymentGate, int, Scheduler, Duration)} sets
 * another). One that has not (a stream that never ends) is cancelled, its payment abandoned
 * (nothing charged, nothing released) and the client answered 504 naming the limit.
 *
 * <p><b>The request priced is the request dispatched.</b> A filter that runs after this one may
 * rewrite the request (Spring's {@code UrlHandlerFilter} strips a trailing slash, for one), so that
 * it reaches a priced handler the payment check judged free. Register {@link #guard()} as the last
 * filter (the Spring Boot starter does so, at {@link Ordered#LOWEST_PRECEDENCE}): it resolves the
 * request that reaches dispatch again. A request judged free that now falls under a priced route is
 * checked by the gate afresh (402 unpaid; a payment for that route is taken and settled as usual);
 * one whose payment was admitted for a route and that now falls under another (or none) is refused
 * with 500 "the request changed after the payment check", and nothing is charged.
 */
public final class PaymentWebFilter implements WebFilter {
  /**
   * The exchange attribute in which a handler states what to charge for an {@code upto} payment:
   * {@code io.x402j.settlement.amount}.
   */
  public static final String SETTLEMENT_AMOUNT_ATTRIBUTE = "io.x402j.settlement.amount";

  /**
   * The exchange attribute holding the admitted payment's ceiling (atomic units, a {@link
   * io.x402j.core.TokenAmount}): {@code io.x402j.payment.ceiling}.
   */
  public static final String CEILING_ATTRIBUTE = "io.x402j.payment.ceiling";

  /**
   * The exchange attribute holding the admitted payment's scheme: {@code io.x402j.payment.scheme}.
   */
  public static final String SCHEME_ATTRIBUTE = "io.x402j.payment.scheme";

  /**
   * The exchange attribute in which the filter records what it decided for the request, for {@link
   * #guard()}: {@code io.x402j.payment.decided}. Not for applications.
   */
  public static final String DECIDED_ATTRIBUTE = "io.x402j.payment.decided";

  /** The default most a paid response may hold: 8 MiB. */
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PaymentWebFilter.class);

  private final PaymentGate gate;
  private final int maxBufferedBytes;
  private final Scheduler scheduler;
  private final Duration holdLimit;

  /** A filter for {@code gate}, buffering up to 8 MiB per paid response. */
  public PaymentWebFilter(PaymentGate gate) {
    this(gate, DEFAULT_MAX_BUFFERED_BYTES);
  }

  /** A filter for {@code gate}, buffering up to {@code maxBufferedBytes} per paid response. */
  public PaymentWebFilter(PaymentGate gate, int maxBufferedBytes) {
    this(gate, maxBufferedBytes, Schedulers.boundedElastic());
  }

  /**
   * A filter for {@code gate}, buffering up to {@code maxBufferedBytes} per paid response and
   * calling the gate on {@code scheduler}, which must allow blocking (bounded elastic, or one of
   * your own over a bounded executor; never a parallel or event-loop scheduler).
   */
  public PaymentWebFilter(PaymentGate gate, int maxBufferedBytes, Scheduler scheduler) {
    this(gate, maxBufferedBytes, scheduler, null);
  }

  /**
   * Like {@link #PaymentWebFilter(PaymentGate, int, Scheduler)}, holding a paid response at most
   * {@code holdLimit} (null: the paid requirement's {@code maxTimeoutSeconds}). A handler that has
   * not finished by then is cancelled, its payment abandoned, and the client answered 504.
   */
  public PaymentWebFilter(
      PaymentGate gate, int maxBufferedBytes, Scheduler scheduler, Duration holdLimit) {
    if (holdLimit != null && (holdLimit.isNegative() || holdLimit.isZero())) {
      throw new IllegalArgumentException("holdLimit must be positive");
    }
    this.holdLimit = holdLimit;
    this.gate = Objects.requireNonNull(gate, "gate");
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive");
    }
    this.maxBufferedBytes = maxBufferedBytes;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The gate this filter applies. */
  public PaymentGate gate() {
    return gate;
  }

  /**
   * The exchange attribute that holds, for a request served without payment because an extension
   * waived it (a wallet signed in with sign-in-with-x), the {@link
   * io.x402j.server.PaymentWaiver.Granted grant}: who signed in ({@code subject()}), on which
   * network, and both as a CAIP-10 {@code account()}. Absent on every other request; only the
   * filter sets it (any earlier value is removed first). The same name as the servlet filter's.
   */
  public static final String SIGNED_IN_ATTRIBUTE = "io.x402j.signedIn";

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    exchange.getAttributes().remove(SIGNED_IN_ATTRIBUTE);
    // The raw path, as sent: one that servers and routers may read two ways is refused, so that
    // the path priced is the path dispatched.
    RequestPath whole = RequestPath.parse(exchange.getRequest().getPath().value());
    if (whole instanceof RequestPath.Ambiguous ambiguous) {
      return write(
          exchange.getResponse(),
          400,
          "{\"error\":\""
              + ambiguous.problem()
              + "; only paths that every server reads alike are served\"}");
    }
    RequestPath within =
        RequestPath.parse(exchange.getRequest().getPath().pathWithinApplication().value());
    String path = within instanceof RequestPath.Canonical c ? c.decoded() : "/";
    WebFluxGateRequest request = new WebFluxGateRequest(exchange, path);
    Optional<ResolvedRoute> route = resolved(request);
    Decided decided = new Decided(route);
    exchange.getAttributes().put(DECIDED_ATTRIBUTE, decided);
    if (route != null && route.isEmpty()) {
      return chain.filter(
          request.isCorsPreflight()
              ? exchange.mutate().response(new PreflightResponse(exchange.getResponse())).build()
              : exchange);
    }
    return onScheduler(() -> gate.check(request))
        .map(Result::ok)
        .onErrorResume(e -> Mono.just(Result.failed(e)))
        .flatMap(
            result -> {
              if (result.error() != null) {
                return logThen(
                    () -> LOG.error("the payment gate failed", result.error()),
                    write(exchange.getResponse(), 500, "{\"error\":\"the payment gate failed\"}"));
              }
              GateDecision decision = result.value();
              if (decision instanceof GateDecision.Free free) {
                if (free.waiver() != null) {
                  exchange.getAttributes().put(SIGNED_IN_ATTRIBUTE, free.waiver());
                }
                if (request.isCorsPreflight()) {
                  return chain.filter(
                      exchange
                          .mutate()
                          .response(new PreflightResponse(exchange.getResponse()))
                          .build());
                }
                return chain.filter(exchange);
              }
              if (decision instanceof GateDecision.Respond respond) {
                return write(exchange.getResponse(), respond.response());
              }
              Admission admission = ((GateDecision.Admit) decision).admission();
              decided.charge = admission.chargeStatement();
              return paid(exchange, chain, admission);
            });
  }

  /**
   * The route that prices {@code request}, empty if none does: then it goes on without a thread
   * hop, and its handler runs where WebFlux runs it. Null when the resolver fails; that is left to
   * {@link PaymentGate#check}, which answers it.
   */
  private Optional<ResolvedRoute> resolved(WebFluxGateRequest request) {
    try {
      return gate.route(request);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What {@link #filter} decided for a request: the route it resolved (null if it failed), and what
   * the buyer is told about the money if the request is refused later.
   */
  private static final class Decided {
    private final Optional<ResolvedRoute> route;
    private volatile String charge = "nothing was charged";

    Decided(Optional<ResolvedRoute> route) {
      this.route = route;
    }

    Optional<ResolvedRoute> route() {
      return route;
    }
  }

  /**
   * The last check before dispatch, to register after every other filter (the Spring Boot starter
   * does so at {@link Ordered#LOWEST_PRECEDENCE}): it resolves the request as it now is, after any
   * filter that rewrote it, and compares with what this filter decided. A request judged free that
   * now falls under a priced route goes through this filter afresh (so it is answered 402 unpaid,
   * or its payment for that route is taken); a request admitted under one route that now falls
   * under another, or none, is refused with 500 and nothing is charged; a request that this filter
   * did not see goes through it now.
   */
  public WebFilter guard() {
    return new Guard();
  }

  private final class Guard implements WebFilter, Ordered {
    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      Object seen = exchange.getAttribute(DECIDED_ATTRIBUTE);
      if (!(seen instanceof Decided decided) || decided.route() == null) {
        return PaymentWebFilter.this.filter(exchange, chain);
      }
      RequestPath whole = RequestPath.parse(exchange.getRequest().getPath().value());
      RequestPath within =
          RequestPath.parse(exchange.getRequest().getPath().pathWithinApplication().value());
      if (whole instanceof RequestPath.Ambiguous
          || !(within instanceof RequestPath.Canonical canonical)) {
        return PaymentWebFilter.this.filter(exchange, chain);
      }
      Optional<ResolvedRoute> now = resolved(new WebFluxGateRequest(exchange, canonical.decoded()));
      if (now != null && now.equals(decided.route())) {
        return chain.filter(exchange);
      }
      if (decided.route().isEmpty()) {
        // Judged free, now priced (or unresolvable): the gate decides on the request as it is.
        return PaymentWebFilter.this.filter(exchange, chain);
      }
      String what =
          exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath();
      // What the filter's decision did with the money (a route that settles before its handler
      // was paid for already; a signed-in request paid nothing): do not say otherwise.
      String charge = decided.charge;
      return logThen(
          () ->
              LOG.warn(
                  "{}: the request changed after the payment check (it was priced as {});"
                      + " refused; {}",
                  what,
                  decided.route().get().pattern(),
                  charge),
          write(
              exchange.getResponse(),
              500,
              "{\"error\":\"the request changed after the payment check; " + charge + "\"}"));
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }

  private Mono<Void> paid(ServerWebExchange exchange, WebFilterChain chain, Admission admission) {
    ServerHttpResponse response = exchange.getResponse();
    HeldResponse held = new HeldResponse(response.bufferFactory(), maxBufferedBytes);
    exchange.getAttributes().put(CEILING_ATTRIBUTE, admission.ceiling());
    exchange.getAttributes().put(SCHEME_ATTRIBUTE, admission.scheme());
    ServerWebExchange handled = exchange.mutate().response(held).build();
    AtomicBoolean finished = new AtomicBoolean();
    String what = exchange.getRequest().getMethod().name() + " " + exchange.getRequest().getPath();
    Duration limit =
        holdLimit != null
            ? holdLimit
            : Duration.ofSeconds(Math.max(1, admission.requirements().maxTimeoutSeconds()));
    return chain
        .filter(handled)
        .timeout(limit, Mono.error(new HoldLimitReached()), Schedulers.parallel())
        .then(Mono.fromSupplier(() -> Result.<Void>ok(null)))
        .onErrorResume(e -> Mono.just(Result.failed(e)))
        .flatMap(
            result -> {
              finished.set(true);
              if (result.error() instanceof HoldLimitReached) {
                return abandon(
                        admission,
                        () ->
                            LOG.error(
                                "{}: the handler did not finish within the hold limit ({}); {}",
                                what,
                                limit,
                                admission.chargeStatement()))
                    .then(
                        write(
                            response,
                            504,
                            "{\"error\":\"the response did not complete within "
                                + (limit.toMillis() % 1000 == 0
                                    ? limit.toSeconds() + " seconds"
                                    : limit.toMillis() + " ms")
                                + ", the most a paid response is held; "
                                + admission.chargeStatement()
                                + "\"}"));
              }
              if (held.tooLarge()) {
                return abandon(
                        admission,
                        () ->
                            LOG.error(
                                "{}: the response is larger than the payment buffer ({} bytes);"
                                    + " {}",
                                what,
                                maxBufferedBytes,
                                admission.chargeStatement()))
                    .then(
                        write(
                            response,
                            500,
                            "{\"error\":\"the response is larger than the payment buffer allows; "
                                + admission.chargeStatement()
                                + "\"}"));
              }
              if (result.error() != null) {
                // The framework's exception handlers answer it, outside this filter.
                return abandon(admission, () -> {}).then(Mono.error(result.error()));
              }
              return settle(exchange, held, admission, what);
            })
        .doOnCancel(
            () -> {
              if (finished.compareAndSet(false, true)) {
                // The client went away while the handler ran: the payment stays unused.
                abandon(admission, () -> {}).subscribe();
              }
            });
  }

  private Mono<Void> settle(
      ServerWebExchange exchange, HeldResponse held, Admission admission, String what) {
    ServerHttpResponse response = exchange.getResponse();
    int status = held.status();
    Supplier<CompletableFuture<Completion>> complete =
        () -> {
          SettlementOverride amount = null;
          // Settled before the handler: the stated amount is ignored, never a reason to refuse.
          if (status < 400 && !admission.settledBeforeHandler()) {
            try {
              amount =
                  SettlementOverride.stated(
                          exchange.getAttribute(SETTLEMENT_AMOUNT_ATTRIBUTE),
                          held.settlementOverride())
                      .orElse(null);
            } catch (IllegalArgumentException e) {
              admission.abandon();
              LOG.warn(
                  "{}: the handler's settlement amount was refused, nothing was charged: {}",
                  what,
                  e.getMessage());
              return CompletableFuture.completedFuture(
                  new Completion.Refuse(
                      GateResponse.of(
                          500,
                          "application/json",
                          "{\"error\":\"the resource stated an invalid amount to charge; nothing"
                              + " was charged\"}",
                          Map.of("Cache-Control", "no-store"))));
            }
          }
          return admission.complete(status, amount);
        };
    return onScheduler(complete)
        .map(Result::ok)
        .onErrorResume(e -> Mono.just(Result.failed(e)))
        .flatMap(
            result -> {
              if (result.error() != null) {
                return logThen(
                    () -> LOG.error("settlement failed unexpectedly", result.error()),
                    write(response, 500, "{\"error\":\"the payment could not be settled\"}"));
              }
              if (result.value() instanceof Completion.Refuse refuse) {
                return write(response, refuse.response());
              }
              return release(response, held, (Completion.Release) result.value());
            });
  }

  private static Mono<Void> release(
      ServerHttpResponse response, HeldResponse held, Completion.Release release) {
    HttpHeaders out = response.getHeaders();
    for (Map.Entry<String, List<String>> header : held.getHeaders().headerSet()) {
      String name = header.getKey();
      if (!name.equalsIgnoreCase(SettlementOverride.HEADER)
          && !name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
        out.put(name, header.getValue());
      }
    }
    for (List<ResponseCookie> cookies : held.getCookies().values()) {
      cookies.forEach(response::addCookie);
    }
    release.headers().forEach(out::set);
    if (release.settled()) {
      out.set(HttpHeaders.CACHE_CONTROL, release.cacheControl(out.getCacheControl()));
    }
    response.setStatusCode(HttpStatusCode.valueOf(held.status()));
    byte[] body = held.body();
    out.setContentLength(body.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  /** Calls into the gate on the scheduler and awaits its future without blocking. */
  private <T> Mono<T> onScheduler(Supplier<CompletableFuture<T>> call) {
    // suppressCancel: a client that goes away must not cancel a verification or settlement midway.
    return Mono.fromSupplier(call).subscribeOn(scheduler).flatMap(f -> Mono.fromFuture(f, true));
  }

  private Mono<Void> abandon(Admission admission, Runnable log) {
    return Mono.<Void>fromRunnable(
            () -> {
              log.run();
              admission.abandon();
            })
        .subscribeOn(scheduler)
        .onErrorResume(
            e -> {
              LOG.error("abandoning a payment failed", e);
              return Mono.empty();
            });
  }

  private Mono<Void> logThen(Runnable log, Mono<Void> then) {
    return Mono.<Void>fromRunnable(log).subscribeOn(scheduler).then(then);
  }

  private static Mono<Void> write(ServerHttpResponse response, GateResponse answer) {
    response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
    answer.headers().forEach(response.getHeaders()::set);
    byte[] body = answer.body();
    response.getHeaders().setContentLength(body.length);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  private static Mono<Void> write(ServerHttpResponse response, int status, String json) {
    return write(
        response,
        GateResponse.of(status, "application/json", json, Map.of("Cache-Control", "no-store")));
  }

  /** The signal that a paid handler did not finish within the hold limit. */
  private static final class HoldLimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HoldLimitReached() {
      super("the hold limit was reached", null, false, false);
    }
  }

  /** A value or the error that came instead, so that errors of one step are told from the next. */
  private record Result<T>(T value, Throwable error) {
    static <T> Result<T> ok(T value) {
      return new Result<>(value, null);
    }

    static <T> Result<T> failed(Throwable error) {
      return new Result<>(null, error);
    }
  }
}
