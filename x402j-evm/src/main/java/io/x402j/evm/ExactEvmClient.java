package io.x402j.evm;

import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pays exact-scheme requirements on EVM networks by signing an EIP-3009 {@code
 * TransferWithAuthorization} with the payer's {@link Signer}. The payload has the same fields and
 * values the official SDK produces: a 32-byte random nonce, {@code validBefore = now +
 * maxTimeoutSeconds}, and {@code validAfter} {@code 0} for protocol v2 or {@code now − 600} for v1,
 * as the official v1 client sends.
 *
 * <p>Unlike the official SDK, the lifetime is capped: {@code validBefore} is at most {@link
 * #maxAuthorizationLifetime()} (default one hour) from now, whatever {@code maxTimeoutSeconds} the
 * server asks for, so a server cannot make the buyer sign an authorization that stays spendable for
 * years. Only {@code validBefore} is clamped; the requirement itself is not changed. A server that
 * asks for less than the facilitators' 6-second margin gets exactly what it asked for, which its
 * facilitator will refuse as expiring: the client never lengthens an authorization. Immutable and
 * thread-safe.
 */
public final class ExactEvmClient implements SchemeClient {
  /** The longest authorization signed unless configured otherwise: one hour. */
  public static final Duration DEFAULT_MAX_AUTHORIZATION_LIFETIME = Duration.ofHours(1);

  /**
   * The shortest cap accepted: facilitators refuse an authorization with less than 6 seconds left,
   * so a shorter cap would leave no time to deliver and settle a payment.
   */
  public static final Duration MIN_AUTHORIZATION_LIFETIME = Duration.ofSeconds(10);

  private final Signer signer;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration maxLifetime;

  private ExactEvmClient(Signer signer, Clock clock, SecureRandom random, Duration maxLifetime) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.maxLifetime = checkLifetime(maxLifetime);
  }

  /** A client paying with {@code signer}, the system clock and a new {@link SecureRandom}. */
  public static ExactEvmClient of(Signer signer) {
    return new ExactEvmClient(
        signer, Clock.systemUTC(), new SecureRandom(), DEFAULT_MAX_AUTHORIZATION_LIFETIME);
  }

  /** A client with an injected clock and randomness (for tests). */
  public static ExactEvmClient of(Signer signer, Clock clock, SecureRandom random) {
    return new ExactEvmClient(signer, clock, random, DEFAULT_MAX_AUTHORIZATION_LIFETIME);
  }

  /**
   * This client with another cap on how long a signed authorization stays valid.
   *
   * @throws IllegalArgumentException if {@code lifetime} is shorter than {@link
   *     #MIN_AUTHORIZATION_LIFETIME}
   */
  public ExactEvmClient withMaxAuthorizationLifetime(Duration lifetime) {
    return new ExactEvmClient(signer, clock, random, lifetime);
  }

  /** The longest an authorization this client signs stays valid. */
  public Duration maxAuthorizationLifetime() {
    return maxLifetime;
  }

  private static Duration checkLifetime(Duration lifetime) {
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.compareTo(MIN_AUTHORIZATION_LIFETIME) < 0) {
      throw new IllegalArgumentException(
          "the maximum authorization lifetime must be at least "
              + MIN_AUTHORIZATION_LIFETIME.toSeconds()
              + " s (facilitators want 6 s left when they settle), got "
              + lifetime.toSeconds()
              + " s");
    }
    return lifetime;
  }

  /** The paying account. */
  public EvmAddress payer() {
    return signer.address();
  }

  @Override
  public String scheme() {
    return "exact";
  }

  /**
   * Signs an authorization paying {@code requirements}.
   *
   * @throws IllegalArgumentException if the requirement is not an EVM one this client can sign: a
   *     non-EVM network, no EIP-712 domain in {@code extra}, or an asset or recipient that is not
   *     an address
   */
  @Override
  public Map<String, Object> createPayload(int x402Version, PaymentRequirements requirements) {
    ExactEvmPayload payload = authorize(x402Version, requirements);
    return payload.toMap();
  }

  /** Like {@link #createPayload} but returns the typed payload. */
  public ExactEvmPayload authorize(int x402Version, PaymentRequirements requirements) {
    if (!"exact".equals(requirements.scheme())) {
      throw new IllegalArgumentException(
          "this client pays the exact scheme, not " + Text.quote(requirements.scheme()));
    }
    if (!requirements.network().isEvm()) {
      throw new IllegalArgumentException(
          "network " + requirements.network() + " is not an EVM network");
    }
    String name = requirements.extraString("name");
    String version = requirements.extraString("version");
    if (name == null || version == null) {
      throw new IllegalArgumentException(
          "the requirement for asset "
              + requirements.asset()
              + " lacks its EIP-712 domain (extra.name and extra.version)");
    }
    EvmAddress asset = address(requirements.asset(), "asset");
    EvmAddress payTo = address(requirements.payTo(), "payTo");
    long now = clock.instant().getEpochSecond();
    // The server's timeout, but never longer than the cap: only validBefore changes, the echoed
    // requirement stays as offered (servers compare it by deep equality).
    long lifetime = Math.min(requirements.maxTimeoutSeconds(), maxLifetime.toSeconds());
    Eip3009Authorization authorization =
        new Eip3009Authorization(
            signer.address(),
            payTo,
            requirements.amount(),
            x402Version == 1 ? BigInteger.valueOf(now - 600) : BigInteger.ZERO,
            BigInteger.valueOf(now + lifetime),
            Bytes32.random(random));
    Bytes32 domain =
        Eip3009.domainSeparator(name, version, requirements.network().chainId(), asset);
    Signature signature = signer.sign(Eip3009.digest(domain, authorization));
    return new ExactEvmPayload(signature.toString(), authorization);
  }

  private static EvmAddress address(String text, String field) {
    try {
      return EvmAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("requirement " + field + ": " + e.getMessage());
    }
  }
}
