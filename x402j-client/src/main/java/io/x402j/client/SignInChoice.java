package io.x402j.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a {@link Payer} answers a 402 that declares {@code sign-in-with-x} by signing in with its
 * wallet (instead of paying) before it pays. Signing in costs nothing and moves no money; a server
 * that does not admit the wallet answers 402 again and the payer then pays as usual. Only messages
 * for the host that answered the 402 are ever signed.
 */
@FunctionalInterface
public interface SignInChoice {
  /**
   * Whether to sign in for {@code challenge}, given what {@code log} says was spent, at {@code
   * now}.
   */
  boolean signIn(PaymentChallenge challenge, SpendLog log, Instant now);

  /** Never sign in (the default): always pay. */
  static SignInChoice never() {
    return (challenge, log, now) -> false;
  }

  /** Sign in whenever a server offers it, then pay if it does not admit the wallet. */
  static SignInChoice always() {
    return (challenge, log, now) -> true;
  }

  /**
   * Sign in when this payer's spend log shows a payment for the same resource (the URL that
   * answered 402, on the same host) within {@code within}: the usual pass a server grants.
   */
  static SignInChoice whenPaidWithin(Duration within) {
    Objects.requireNonNull(within, "within");
    return (challenge, log, now) -> {
      String host = challenge.host();
      String url = challenge.url().toString();
      Instant since = now.minus(within);
      return log.spends().stream()
          .anyMatch(s -> host.equals(s.host()) && url.equals(s.url()) && !s.at().isBefore(since));
    };
  }
}
