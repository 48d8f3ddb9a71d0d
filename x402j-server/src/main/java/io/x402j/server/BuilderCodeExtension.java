package io.x402j.server;

import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The seller's side of {@code builder-code} (ERC-8021 attribution): routes declare the app code
 * {@code a} (and up to five service codes {@code s}) under {@code extensions["builder-code"]}, and
 * a v2 payment whose echo names another {@code a}, names one where none was declared, drops a
 * declared {@code s}, carries more than ten service codes or an invalid code is refused with {@code
 * extension_echo_mismatch} before anything is verified. The facilitator writes the codes into the
 * settlement calldata.
 *
 * <p>The gate checks echoes even without this extension registered (as if {@link #checkOnly()}
 * were), so a payer cannot attribute a sale to an app the seller never declared.
 */
public final class BuilderCodeExtension implements GateExtension {
  private final Function<ResolvedRoute, Optional<Map<String, Object>>> declarations;

  private BuilderCodeExtension(
      Function<ResolvedRoute, Optional<Map<String, Object>>> declarations) {
    this.declarations = declarations;
  }

  /**
   * Every paid route declares {@code appCode} and {@code serviceCodes}.
   *
   * @throws IllegalArgumentException naming an invalid code, or more than five service codes
   */
  public static BuilderCodeExtension of(String appCode, String... serviceCodes) {
    Map<String, Object> declaration = BuilderCode.declaration(appCode, List.of(serviceCodes));
    return new BuilderCodeExtension(route -> Optional.of(declaration));
  }

  /**
   * Each route declares the app code {@code appCodeOf} gives it, or nothing when it gives {@code
   * null}. The codes are checked when the route is first priced; an invalid one is a seller error
   * (the 402 answers 500 naming the extension).
   */
  public static BuilderCodeExtension perRoute(Function<ResolvedRoute, String> appCodeOf) {
    Objects.requireNonNull(appCodeOf, "appCodeOf");
    return new BuilderCodeExtension(
        route ->
            Optional.ofNullable(appCodeOf.apply(route))
                .map(a -> BuilderCode.declaration(a, List.of())));
  }

  /** Declares nothing; only refuses echoes that name an app code (the gate's default). */
  public static BuilderCodeExtension checkOnly() {
    return new BuilderCodeExtension(route -> Optional.empty());
  }

  @Override
  public String key() {
    return BuilderCode.KEY;
  }

  @Override
  public Optional<Object> declare(ResolvedRoute route, GateRequest request) {
    return declarations.apply(route).map(d -> d);
  }

  @Override
  public Optional<ExtensionRefusal> checkEcho(
      Object declared, Object echoed, PaymentPayload payment) {
    return BuilderCode.checkEcho(declared, echoed)
        .map(problem -> new ExtensionRefusal(BuilderCode.ECHO_MISMATCH, problem));
  }

  @Override
  public String toString() {
    return "BuilderCodeExtension";
  }
}
