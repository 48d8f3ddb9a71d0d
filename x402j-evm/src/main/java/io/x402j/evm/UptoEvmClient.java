package io.x402j.evm;

import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.scheme.SchemePayment;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Pays upto-scheme requirements on EVM networks: signs a Permit2 {@code PermitWitnessTransferFrom}
 * that lets the upto proxy ({@link Permit2#UPTO_PROXY}) move at most {@code requirements.amount}
 * (the ceiling; the seller settles what was used) to {@code payTo}, settled only by the facilitator
 * named in {@code extra.facilitatorAddress} (the witness's {@code facilitator}). Nonce, {@code
 * validAfter = 0} and {@code deadline = now + maxTimeoutSeconds} as @x402/evm 2.27.0 signs them;
 * the deadline is capped like {@link ExactEvmClient}'s (default one hour).
 *
 * <p>With {@link #withPermit2Reads} the client adds a gas-sponsoring extension when the payer's
 * Permit2 allowance is short, exactly as {@link ExactEvmClient} does (the official upto client does
 * the same). Immutable and thread-safe.
 */
public final class UptoEvmClient implements SchemeClient {
  private final Signer signer;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration maxLifetime;
  private final Permit2Reads reads;
  private final boolean exactApprovals;
  private final Permit2Payer permit2;

  private UptoEvmClient(
      Signer signer,
      Clock clock,
      SecureRandom random,
      Duration maxLifetime,
      Permit2Reads reads,
      boolean exactApprovals) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    if (maxLifetime.compareTo(ExactEvmClient.MIN_AUTHORIZATION_LIFETIME) < 0) {
      throw new IllegalArgumentException(
          "the maximum authorization lifetime must be at least "
              + ExactEvmClient.MIN_AUTHORIZATION_LIFETIME.toSeconds()
              + " s, got "
              + maxLifetime.toSeconds()
              + " s");
    }
    this.maxLifetime = maxLifetime;
    this.reads = reads;
    this.exactApprovals = exactApprovals;
    this.permit2 = new Permit2Payer(signer, clock, random, maxLifetime, reads, exactApprovals);
  }

  /** A client paying with {@code signer}, the system clock and a new {@link SecureRandom}. */
  public static UptoEvmClient of(Signer signer) {
    return of(signer, Clock.systemUTC(), new SecureRandom());
  }

  /** A client with an injected clock and randomness (for tests). */
  public static UptoEvmClient of(Signer signer, Clock clock, SecureRandom random) {
    return new UptoEvmClient(
        signer, clock, random, ExactEvmClient.DEFAULT_MAX_AUTHORIZATION_LIFETIME, null, false);
  }

  /** This client with another cap on the Permit2 deadline (at least 10 s). */
  public UptoEvmClient withMaxAuthorizationLifetime(Duration lifetime) {
    return new UptoEvmClient(signer, clock, random, lifetime, reads, exactApprovals);
  }

  /** This client adding gas-sponsoring extensions, reading the chain through {@code reads}. */
  public UptoEvmClient withPermit2Reads(Permit2Reads reads) {
    return new UptoEvmClient(signer, clock, random, maxLifetime, reads, exactApprovals);
  }

  /** This client approving only the payment's amount in an ERC-20 approval extension. */
  public UptoEvmClient withExactPermit2Approvals() {
    return new UptoEvmClient(signer, clock, random, maxLifetime, reads, true);
  }

  /** The paying account. */
  public EvmAddress payer() {
    return signer.address();
  }

  @Override
  public String scheme() {
    return "upto";
  }

  @Override
  public Map<String, Object> createPayload(int x402Version, PaymentRequirements requirements) {
    return authorize(x402Version, requirements).toMap();
  }

  @Override
  public SchemePayment createPayment(
      int x402Version, PaymentRequirements requirements, Map<String, Object> declaredExtensions) {
    Permit2Payload payload = authorize(x402Version, requirements);
    return new SchemePayment(
        payload.toMap(), permit2.extensions(requirements, payload, declaredExtensions));
  }

  /**
   * Signs the Permit2 authorization paying {@code requirements}.
   *
   * @throws IllegalArgumentException if the requirement is not upto on an EVM network, lacks {@code
   *     extra.facilitatorAddress}, or an address in it is malformed
   */
  public Permit2Payload authorize(int x402Version, PaymentRequirements requirements) {
    Permit2Payer.requireScheme(requirements, "upto");
    Object method =
        requirements.extra() == null ? null : requirements.extra().get("assetTransferMethod");
    if (method != null && !"permit2".equals(method)) {
      throw new IllegalArgumentException(
          "extra.assetTransferMethod "
              + Text.quote(String.valueOf(method))
              + " is not permit2, the only one upto supports");
    }
    String facilitator = requirements.extraString("facilitatorAddress");
    if (facilitator == null) {
      throw new IllegalArgumentException(
          "the upto requirement lacks extra.facilitatorAddress (the facilitator allowed to settle)");
    }
    return permit2.sign(
        requirements,
        Permit2.UPTO_PROXY,
        Permit2Payer.address(facilitator, "extra.facilitatorAddress"));
  }
}
