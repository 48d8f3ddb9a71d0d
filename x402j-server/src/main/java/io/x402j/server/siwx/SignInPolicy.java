package io.x402j.server.siwx;

import io.x402j.core.Network;
import io.x402j.server.GateRequest;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteResolver.ResolvedRoute;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a wallet that proved itself may be served without paying. Called after every
 * check of the sign-in (origin, times, nonce, signature) passed. Thread-safe; it may block briefly
 * (a database lookup).
 */
@FunctionalInterface
public interface SignInPolicy {
  /** Whether {@code signIn} is served {@code request} on {@code route} without payment. */
  boolean admits(SignIn signIn, ResolvedRoute route, GateRequest request);

  /** What a refusal tells the client; default: a generic sentence. */
  default String refusal(SignIn signIn) {
    return "the server's sign-in policy does not admit " + signIn.address() + " to this resource";
  }

  /**
   * The default policy: the wallet paid for the same resource within {@code window}. An EOA's
   * payment on any of the route's networks of the same family counts (one key signs on all); a
   * contract wallet's only on the network it signed in on.
   */
  static SignInPolicy paidWithin(Duration window, PaymentHistory history, Clock clock) {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(clock, "clock");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the pass window must be positive");
    }
    return new SignInPolicy() {
      @Override
      public boolean admits(SignIn signIn, ResolvedRoute route, GateRequest request) {
        Instant since = clock.instant().minus(window);
        if (paidSince(signIn.network(), signIn, since)) {
          return true;
        }
        if (signIn.contractWallet()) {
          return false;
        }
        String namespace = Network.parse(signIn.network()).namespace();
        for (PaymentOption option : route.route().accepts()) {
          Network n = option.network();
          if (n.namespace().equals(namespace)
              && !n.toString().equals(signIn.network())
              && paidSince(n.toString(), signIn, since)) {
            return true;
          }
        }
        return false;
      }

      private boolean paidSince(String network, SignIn signIn, Instant since) {
        Optional<Instant> last = history.lastPayment(signIn.resource(), network, signIn.address());
        return last.isPresent() && !last.get().isBefore(since);
      }

      @Override
      public String refusal(SignIn signIn) {
        return signIn.address()
            + " has not paid for this resource within "
            + window
            + "; pay to get a new pass";
      }
    };
  }
}
