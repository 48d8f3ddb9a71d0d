package io.x402j.server.internal;

import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.server.BuilderCodeExtension;
import io.x402j.server.ExtensionRefusal;
import io.x402j.server.GateExtension;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentWaiver;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's {@link GateExtension}s, each called at its three points with its failures contained: a
 * declaration that throws (or is not JSON) is a {@link Failure} naming the extension, an echo check
 * that throws refuses the payment, and a receipt value that throws is left out of a receipt that
 * still goes out. Exceptions are logged here, never shown to the payer. Immutable. Not part of the
 * x402j API.
 */
public final class GateExtensions {
  private static final Logger LOG = LoggerFactory.getLogger(GateExtensions.class);

  /** The keys the gate declares itself (gas sponsoring for Permit2 options). */
  public static final Set<String> RESERVED =
      Set.of(Eip2612GasSponsoring.KEY, Erc20ApprovalGasSponsoring.KEY);

  /** An extension failed to declare itself for a request. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * An extension refused a payment's echo.
   *
   * @param key the extension's key
   * @param refusal what it said
   */
  public record Refused(String key, ExtensionRefusal refusal) {
    /** The {@code error} of the 402: the extension and what is wrong. */
    public String error() {
      return "extensions." + key + ": " + refusal.message();
    }
  }

  private final List<GateExtension> extensions;

  /**
   * The extensions {@code extensions}, in order.
   *
   * @throws IllegalArgumentException for a blank key, a key used twice, or one the gate declares
   *     itself
   */
  public GateExtensions(List<GateExtension> extensions) {
    Set<String> seen = new HashSet<>();
    for (GateExtension e : extensions) {
      String key = e.key();
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "gate extension " + e.getClass().getName() + " has no key");
      }
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "gate extension key "
                + Text.quote(key)
                + " is declared by the gate itself (gas sponsoring for Permit2 options)");
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException(
            "two gate extensions declare the key " + Text.quote(key) + "; keys must be unique");
      }
    }
    List<GateExtension> all = new ArrayList<>(extensions);
    if (!seen.contains(BuilderCode.KEY)) {
      // builder-code's a is the seller's: an echo naming one is refused even if none is declared.
      all.add(BuilderCodeExtension.checkOnly());
    }
    this.extensions = List.copyOf(all);
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return extensions.isEmpty();
  }

  /**
   * What the 402 for {@code route} and {@code request} declares, by key, in canonical JSON form.
   *
   * @throws Failure naming the extension that threw or declared a value that is not JSON
   */
  public Map<String, Object> declarations(ResolvedRoute route, GateRequest request) {
    return declarations(route, request, null, List.of());
  }

  /**
   * What the 402 for {@code route} and {@code request} declares, by key, given what it offers
   * ({@code resource}, its v2 {@code accepts}).
   *
   * @throws Failure naming the extension that threw or declared a value that is not JSON
   */
  public Map<String, Object> declarations(
      ResolvedRoute route,
      GateRequest request,
      ResourceInfo resource,
      List<PaymentRequirements> accepts) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (GateExtension e : extensions) {
      try {
        Optional<Object> declared = e.declare(route, request, resource, accepts);
        if (declared != null && declared.isPresent()) {
          out.put(e.key(), JsonValues.canonical(declared.get(), "extensions." + e.key()));
        }
      } catch (RuntimeException ex) {
        LOG.error(
            "route {}: extension {} failed to declare itself for {} {}",
            route.pattern(),
            e.key(),
            request.method(),
            request.path(),
            ex);
        throw new Failure(
            "route "
                + route.pattern()
                + ": the "
                + Text.quote(e.key())
                + " extension could not be declared",
            ex);
      }
    }
    return out;
  }

  /**
   * Checks the echo of a v2 payment against what {@code declared} (the offer's extensions, or
   * {@code null}) declares. An extension that throws refuses the payment.
   */
  public Optional<Refused> check(Map<String, Object> declared, PaymentPayload payment) {
    for (GateExtension e : extensions) {
      String key = e.key();
      Object mine = declared == null ? null : declared.get(key);
      Object echoed = payment.extensions() == null ? null : payment.extensions().get(key);
      Optional<Refused> refused = checkOne(e, mine, echoed, payment);
      if (refused.isPresent()) {
        return refused;
      }
    }
    return Optional.empty();
  }

  private static Optional<Refused> checkOne(
      GateExtension e, Object declared, Object echoed, PaymentPayload payment) {
    String key = e.key();
    try {
      Optional<ExtensionRefusal> refusal = e.checkEcho(declared, echoed, payment);
      if (refusal != null && refusal.isPresent()) {
        return Optional.of(new Refused(key, refusal.get()));
      }
    } catch (RuntimeException ex) {
      LOG.warn("extension {} failed to check a payment's echo", key, ex);
      return Optional.of(
          new Refused(key, ExtensionRefusal.invalid("the payment's echo could not be checked")));
    }
    return Optional.empty();
  }

  /**
   * {@code check} for a matched payment. A protocol v1 payment cannot carry extensions, so it is
   * checked as a payment without an echo by every extension that declared something for the offer
   * (seen through a v2 payment with the v1 payload, the matched requirements and no extensions): an
   * extension that refuses a missing echo refuses a v1 payment too, never letting it skip the
   * check.
   */
  public Optional<Refused> check(Map<String, Object> declared, PaymentMatch.Matched match) {
    if (extensions.isEmpty()) {
      return Optional.empty();
    }
    if (match.request() instanceof VerifyRequest v2) {
      return check(declared, v2.paymentPayload());
    }
    if (declared == null || declared.isEmpty()) {
      return Optional.empty();
    }
    PaymentPayload v1 =
        new PaymentPayload(
            null,
            match.requirements(),
            match.payload() == null ? Map.of() : match.payload(),
            null,
            Map.of());
    for (GateExtension e : extensions) {
      if (declared.get(e.key()) == null) {
        continue;
      }
      Optional<Refused> refused = checkOne(e, declared.get(e.key()), null, v1);
      if (refused.isPresent()) {
        return refused;
      }
    }
    return Optional.empty();
  }

  /**
   * {@code receipt} with what each extension adds for the settled {@code paid} (only successful v2
   * settlements). An extension's value replaces a facilitator's under the same key; one that throws
   * is left out.
   */
  public SettleResponse receipt(PaidRequest paid, SettleResponse receipt) {
    if (extensions.isEmpty()
        || !receipt.success()
        || !(paid.match().request() instanceof VerifyRequest v2)) {
      return receipt;
    }
    Map<String, Object> added = new LinkedHashMap<>();
    for (GateExtension e : extensions) {
      try {
        Optional<Object> value =
            e.settled(paid.offer().resolved(), paid.request(), v2.paymentPayload(), receipt);
        if (value != null && value.isPresent()) {
          added.put(e.key(), JsonValues.canonical(value.get(), "extensions." + e.key()));
        }
      } catch (RuntimeException ex) {
        LOG.error(
            "extension {} failed after settling {} {}; the receipt goes out without it",
            e.key(),
            paid.request().method(),
            paid.request().path(),
            ex);
      }
    }
    if (added.isEmpty()) {
      return receipt;
    }
    Map<String, Object> merged =
        new LinkedHashMap<>(receipt.extensions() == null ? Map.of() : receipt.extensions());
    merged.putAll(added);
    return new SettleResponse(
        receipt.success(),
        receipt.errorReason(),
        receipt.errorMessage(),
        receipt.transaction(),
        receipt.network(),
        receipt.payer(),
        receipt.amount(),
        merged,
        receipt.additionalFields());
  }

  /**
   * What the extensions say about serving {@code request} without payment: the first grant, else
   * the first denial (refusal keyed by its extension), else nothing. Extensions are asked in order,
   * one after another; one that throws or fails is logged and counts as a denial.
   */
  public CompletableFuture<Optional<Waived>> waive(ResolvedRoute route, GateRequest request) {
    CompletableFuture<Optional<Waived>> answer =
        CompletableFuture.completedFuture(Optional.empty());
    for (GateExtension e : extensions) {
      answer =
          answer.thenCompose(
              sofar -> {
                if (sofar.isPresent() && sofar.get().waiver() instanceof PaymentWaiver.Granted) {
                  return CompletableFuture.completedFuture(sofar);
                }
                return ask(e, route, request)
                    .thenApply(
                        mine -> {
                          if (mine.isEmpty()) {
                            return sofar;
                          }
                          if (mine.get() instanceof PaymentWaiver.Granted || sofar.isEmpty()) {
                            return Optional.of(new Waived(e.key(), mine.get()));
                          }
                          return sofar;
                        });
              });
    }
    return answer;
  }

  private static CompletableFuture<Optional<PaymentWaiver>> ask(
      GateExtension e, ResolvedRoute route, GateRequest request) {
    CompletableFuture<Optional<PaymentWaiver>> asked;
    try {
      asked = e.admitWithoutPayment(route, request);
    } catch (RuntimeException ex) {
      asked = CompletableFuture.failedFuture(ex);
    }
    if (asked == null) {
      asked = CompletableFuture.completedFuture(Optional.empty());
    }
    return asked.handle(
        (answer, error) -> {
          if (error != null) {
            LOG.error(
                "extension {} failed to decide whether {} {} may be served without payment",
                e.key(),
                request.method(),
                request.path(),
                error);
            return Optional.of(
                PaymentWaiver.denied(
                    "invalid_payload", "the request could not be checked; pay as usual"));
          }
          return answer == null ? Optional.<PaymentWaiver>empty() : answer;
        });
  }

  /**
   * An extension's answer about serving a request without payment.
   *
   * @param key the extension's key
   * @param waiver what it said
   */
  public record Waived(String key, PaymentWaiver waiver) {
    /** The {@code error} of the 402 for a denial: the extension and what is wrong. */
    public String error() {
      return waiver instanceof PaymentWaiver.Denied d
          ? "extensions." + key + ": " + d.refusal().message()
          : null;
    }
  }
}
