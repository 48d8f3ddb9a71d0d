package io.x402j.servlet;

import io.x402j.core.wire.PaymentHeader;
import io.x402j.server.Admission;
import io.x402j.server.Completion;
import io.x402j.server.GateDecision;
import io.x402j.server.GateResponse;
import io.x402j.server.PaymentGate;
import io.x402j.server.RequestPath;
import io.x402j.server.RouteResolver.ResolvedRoute;
import io.x402j.server.SettlementOverride;
import io.x402j.servlet.internal.BufferedResponse;
import io.x402j.servlet.internal.PreflightResponse;
import io.x402j.servlet.internal.ServletGateRequest;
import io.x402j.servlet.internal.SynchronousRequest;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a {@link PaymentGate} in front of a servlet application. Unpaid requests to paid routes get
 * the gate's 402; a paid request runs with its response held in memory (up to a limit, 8 MiB by
 * default) and is released only once the payment is settled, with the receipt header. A handler
 * that fails ({@code status ≥ 400} or {@code sendError}) is not charged; one that throws, or writes
 * more than the limit, is not charged either, and the latter is answered with 500.
 *
 * <p>Register it for the paths to protect (usually {@code /*}); requests to routes the gate does
 * not price pass through untouched. Asynchronous handlers ({@code startAsync}) cannot be paid for:
 * on paid requests and CORS preflights {@code startAsync} throws, so the handler fails uncharged
 * rather than write around the payment buffer.
 *
 * <p>What is priced is what the container dispatches: {@code HEAD} is priced like {@code GET}, an
 * {@code OPTIONS} like the route of its path, and a request whose path servers may read two ways
 * ({@code ..}, {@code //}, {@code ;jsessionid=…}, {@code %2F}, …) is answered 400 before anything
 * runs. A CORS preflight is free, and only its status and CORS headers reach the client.
 *
 * <p>An {@code upto} route charges what its handler says it used, at most the ceiling the payer
 * authorised (the request attribute {@value #CEILING_ATTRIBUTE} holds it as a {@link
 * io.x402j.core.TokenAmount}): the handler sets the request attribute {@value
 * #SETTLEMENT_AMOUNT_ATTRIBUTE} (a {@link SettlementOverride}, a whole number of atomic units, or a
 * string such as {@code "2500"}, {@code "$0.0025"} or {@code "50%"}) or the response header {@value
 * SettlementOverride#HEADER} in the official SDK's form, {@code {"amount":"2500"}}, which never
 * reaches the payer. Stating nothing charges the whole ceiling, as the official SDK does. An
 * invalid amount, one above the ceiling, or two different ones charge nothing and answer 500.
 */
public final class PaymentFilter implements Filter {
  /**
   * The request attribute in which a handler states what to charge for an {@code upto} payment:
   * {@code io.x402j.settlement.amount}.
   */
  public static final String SETTLEMENT_AMOUNT_ATTRIBUTE = "io.x402j.settlement.amount";

  /**
   * The request attribute holding the admitted payment's ceiling (atomic units, a {@link
   * io.x402j.core.TokenAmount}): {@code io.x402j.payment.ceiling}.
   */
  public static final String CEILING_ATTRIBUTE = "io.x402j.payment.ceiling";

  /**
   * The request attribute holding the admitted payment's scheme: {@code io.x402j.payment.scheme}.
   */
  public static final String SCHEME_ATTRIBUTE = "io.x402j.payment.scheme";

  /**
   * The request attribute that holds, for a request served without payment because an extension
   * waived it (a wallet signed in with sign-in-with-x), the {@link
   * io.x402j.server.PaymentWaiver.Granted grant}: who signed in ({@code subject()}, the canonical
   * address), on which network, and both as a CAIP-10 {@code account()}. Absent on every other
   * request; only the filter sets it (any earlier value is removed first). In Spring:
   * {@code @RequestAttribute(name = PaymentFilter.SIGNED_IN_ATTRIBUTE, required = false)
   * PaymentWaiver.Granted signedIn}.
   */
  public static final String SIGNED_IN_ATTRIBUTE = "io.x402j.signedIn";

  /**
   * The request attribute in which the filter records what it decided, for {@link #guard}: {@code
   * io.x402j.payment.decided}. Not for applications.
   */
  public static final String DECIDED_ATTRIBUTE = "io.x402j.payment.decided";

  /** The default most a paid response may hold: 8 MiB. */
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PaymentFilter.class);

  private final PaymentGate gate;
  private final int maxBufferedBytes;

  /** A filter for {@code gate}, buffering up to 8 MiB per paid response. */
  public PaymentFilter(PaymentGate gate) {
    this(gate, DEFAULT_MAX_BUFFERED_BYTES);
  }

  /** A filter for {@code gate}, buffering up to {@code maxBufferedBytes} per paid response. */
  public PaymentFilter(PaymentGate gate, int maxBufferedBytes) {
    this.gate = Objects.requireNonNull(gate, "gate");
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive");
    }
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** The gate this filter applies. */
  public PaymentGate gate() {
    return gate;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    // The container and the framework above it may read one path two ways (Spring MVC matches the
    // raw URI, the container its normalised form): such a path is refused, so that the path priced
    // is the path dispatched.
    if (RequestPath.parse(request.getRequestURI()) instanceof RequestPath.Ambiguous ambiguous) {
      write(
          response,
          400,
          "{\"error\":\""
              + ambiguous.problem()
              + "; only paths that every server reads alike are served\"}");
      return;
    }
    request.removeAttribute(SIGNED_IN_ATTRIBUTE);
    ServletGateRequest gateRequest = new ServletGateRequest(request);
    Decided decided = new Decided(resolved(gateRequest));
    request.setAttribute(DECIDED_ATTRIBUTE, decided);
    GateDecision decision;
    try {
      decision = gate.check(gateRequest).join();
    } catch (CompletionException e) {
      LOG.error("the payment gate failed", e.getCause());
      write(response, 500, "{\"error\":\"the payment gate failed\"}");
      return;
    }
    if (decision instanceof GateDecision.Free free) {
      if (free.waiver() != null) {
        request.setAttribute(SIGNED_IN_ATTRIBUTE, free.waiver());
      }
      if (gateRequest.isCorsPreflight()) {
        chain.doFilter(new SynchronousRequest(request), new PreflightResponse(response));
      } else {
        chain.doFilter(request, response);
      }
    } else if (decision instanceof GateDecision.Respond respond) {
      write(response, respond.response());
    } else {
      Admission admission = ((GateDecision.Admit) decision).admission();
      decided.charge = admission.chargeStatement();
      paid(request, response, chain, admission);
    }
  }

  /** The route that prices {@code request}, empty if none does, null if the resolver failed. */
  private Optional<ResolvedRoute> resolved(ServletGateRequest request) {
    try {
      return gate.route(request);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What {@link #doFilter} decided for a request: the route it resolved (null if it failed), and
   * what the buyer is told about the money if the request is refused later.
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
   * The last check before a handler runs, for a framework hook that sees the request as it is
   * dispatched (the Spring Boot starter calls it from a Spring MVC {@code HandlerInterceptor}): a
   * filter that ran after this one may have rewritten the request (Spring's {@code
   * UrlHandlerFilter} strips a trailing slash, for one) so that it now falls under another route.
   * The request is resolved again: if it falls under the route this filter decided, it goes on. If
   * this filter judged it free (or did not see it) and it is now priced, the gate decides on it as
   * it now is: unpaid, it is answered the gate's 402 for that route; a payment, which cannot be
   * taken this late, is left unused and the request is refused with 500 "the request changed after
   * the payment check". A request admitted under one route that now falls under another, or none,
   * is refused the same way, and nothing is charged. Error dispatches pass; a forward or include
   * from a handler that was paid for passes too (the application chose it), while one from a free
   * handler to a priced route is decided by the gate as above.
   *
   * @return whether the handler may run; if not, the response has been written
   */
  public boolean guard(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object seen = request.getAttribute(DECIDED_ATTRIBUTE);
    Optional<ResolvedRoute> decided =
        seen instanceof Decided d && d.route() != null ? d.route() : null;
    String charge = seen instanceof Decided d ? d.charge : "nothing was charged";
    if (RequestPath.parse(request.getRequestURI()) instanceof RequestPath.Ambiguous ambiguous) {
      write(
          response,
          400,
          "{\"error\":\""
              + ambiguous.problem()
              + "; only paths that every server reads alike are served\"}");
      return false;
    }
    if (request.getDispatcherType() == DispatcherType.ERROR) {
      return true; // the application's error page, after the handler failed
    }
    ServletGateRequest gateRequest = new ServletGateRequest(request);
    Optional<ResolvedRoute> now = resolved(gateRequest);
    if (now != null && now.equals(decided)) {
      return true;
    }
    if (decided != null && decided.isPresent()) {
      // A forward or include from the handler paid for is the application's own choice.
      return request.getDispatcherType() != DispatcherType.REQUEST
          || changed(request, response, decided.get().pattern(), charge);
    }
    if (now != null && now.isEmpty()) {
      return true;
    }
    if (request.getHeader(PaymentHeader.PAYMENT_SIGNATURE.headerName()) != null
        || request.getHeader(PaymentHeader.X_PAYMENT.headerName()) != null) {
      // A payment cannot be taken this late (the buffered response is not set up): refused
      // before the gate verifies or settles anything, so it stays the buyer's.
      return changed(
          request,
          response,
          now == null ? "(unresolvable)" : now.get().pattern(),
          "you were not charged");
    }
    // Judged free (or not seen), now priced: the gate decides on the request as it is.
    GateDecision decision;
    try {
      decision = gate.check(gateRequest).join();
    } catch (CompletionException e) {
      LOG.error("the payment gate failed", e.getCause());
      write(response, 500, "{\"error\":\"the payment gate failed\"}");
      return false;
    }
    if (decision instanceof GateDecision.Free free) {
      if (free.waiver() != null) {
        request.setAttribute(SIGNED_IN_ATTRIBUTE, free.waiver());
      }
      return true;
    }
    if (decision instanceof GateDecision.Respond respond) {
      write(response, respond.response());
      return false;
    }
    Admission admission = ((GateDecision.Admit) decision).admission();
    admission.abandon();
    return changed(request, response, admission.route(), admission.chargeStatement());
  }

  private static boolean changed(
      HttpServletRequest request, HttpServletResponse response, String route, String charge)
      throws IOException {
    LOG.warn(
        "{} {}: the request changed after the payment check (route {}); refused; {}",
        request.getMethod(),
        request.getRequestURI(),
        route,
        charge);
    write(
        response,
        500,
        "{\"error\":\"the request changed after the payment check; " + charge + "\"}");
    return false;
  }

  private void paid(
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      Admission admission)
      throws IOException, ServletException {
    BufferedResponse buffered = new BufferedResponse(response, maxBufferedBytes);
    request.setAttribute(CEILING_ATTRIBUTE, admission.ceiling());
    request.setAttribute(SCHEME_ATTRIBUTE, admission.scheme());
    try {
      chain.doFilter(new SynchronousRequest(request), buffered);
    } catch (BufferedResponse.TooLargeException e) {
      admission.abandon();
      LOG.error(
          "{} {}: {}; {}",
          request.getMethod(),
          request.getRequestURI(),
          e.getMessage(),
          admission.chargeStatement());
      response.reset();
      write(
          response,
          500,
          "{\"error\":\"the response is larger than the payment buffer allows; "
              + admission.chargeStatement()
              + "\"}");
      return;
    } catch (IOException | ServletException | RuntimeException | Error e) {
      admission.abandon();
      throw e;
    }
    if (request.isAsyncStarted()) {
      // Refused by SynchronousRequest; a container that let it through anyway is not trusted.
      admission.abandon();
      throw new ServletException(
          "an asynchronous handler cannot be paid behind the x402j filter; "
              + admission.chargeStatement());
    }
    byte[] body = buffered.body();
    SettlementOverride amount = null;
    // A route settled before its handler ignores the stated amount (its response goes out whatever
    // it is): an unreadable one must not refuse a response that was already paid for.
    if (buffered.getStatus() < 400 && !admission.settledBeforeHandler()) {
      try {
        amount =
            SettlementOverride.stated(
                    request.getAttribute(SETTLEMENT_AMOUNT_ATTRIBUTE),
                    buffered.settlementOverrides())
                .orElse(null);
      } catch (IllegalArgumentException e) {
        admission.abandon();
        LOG.warn(
            "{} {}: the handler's settlement amount was refused, nothing was charged: {}",
            request.getMethod(),
            request.getRequestURI(),
            e.getMessage());
        response.reset();
        write(
            response,
            500,
            "{\"error\":\"the resource stated an invalid amount to charge; nothing was charged\"}");
        return;
      }
    }
    Completion completion;
    try {
      completion = admission.complete(buffered.getStatus(), amount).join();
    } catch (CompletionException e) {
      LOG.error("settlement failed unexpectedly", e.getCause());
      response.reset();
      write(response, 500, "{\"error\":\"the payment could not be settled\"}");
      return;
    }
    if (completion instanceof Completion.Refuse refuse) {
      response.reset();
      write(response, refuse.response());
      return;
    }
    Completion.Release release = (Completion.Release) completion;
    for (Map.Entry<String, String> header : release.headers().entrySet()) {
      response.addHeader(header.getKey(), header.getValue());
    }
    if (release.settled()) {
      response.setHeader(
          "Cache-Control", release.cacheControl(response.getHeader("Cache-Control")));
    }
    if (buffered.errorSent()) {
      response.sendError(buffered.getStatus(), buffered.errorMessage());
      return;
    }
    response.setStatus(buffered.getStatus());
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void write(HttpServletResponse response, GateResponse answer) throws IOException {
    response.setStatus(answer.status());
    answer.headers().forEach(response::setHeader);
    byte[] body = answer.body();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static void write(HttpServletResponse response, int status, String json)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
