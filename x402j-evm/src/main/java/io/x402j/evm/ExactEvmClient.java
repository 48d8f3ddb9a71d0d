package io.x402j.evm;

import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.scheme.SchemePayment;
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
 *
 * <p><b>Permit2.</b> When the requirement's {@code extra.assetTransferMethod} is {@code "permit2"},
 * the client signs a Permit2 {@code PermitWitnessTransferFrom} instead (see {@link
 * #authorizePermit2}): spender the exact proxy ({@link Permit2#EXACT_PROXY}), witness {@code to =
 * payTo} and {@code validAfter = 0}, a random 256-bit nonce and {@code deadline = now +
 * maxTimeoutSeconds} (capped as above), as @x402/evm 2.27.0 signs it. Absent or {@code "eip3009"}
 * means EIP-3009; any other method is refused by name. With {@link #withPermit2Reads} the client
 * also answers the gas-sponsoring extensions in {@link #createPayment} when the payer's Permit2
 * allowance is short: an EIP-2612 permit ({@code eip2612GasSponsoring}) when the 402 declares it,
 * {@code extra} has the token's EIP-712 domain and the token has {@code nonces()}; otherwise a
 * signed {@code approve(Permit2, amount)} transaction ({@code erc20ApprovalGasSponsoring}) when the
 * 402 declares that. Like the official client, that transaction approves the <b>uint256 maximum</b>
 * (one approval serves all later Permit2 payments in the token) unless {@link
 * #withExactPermit2Approvals()} limits it to the payment's amount.
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
  private final Permit2Reads reads;
  private final boolean exactApprovals;
  private final Permit2Payer permit2;

  private ExactEvmClient(
      Signer signer,
      Clock clock,
      SecureRandom random,
      Duration maxLifetime,
      Permit2Reads reads,
      boolean exactApprovals) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.maxLifetime = checkLifetime(maxLifetime);
    this.reads = reads;
    this.exactApprovals = exactApprovals;
    this.permit2 = new Permit2Payer(signer, clock, random, maxLifetime, reads, exactApprovals);
  }

  /** A client paying with {@code signer}, the system clock and a new {@link SecureRandom}. */
  public static ExactEvmClient of(Signer signer) {
    return of(signer, Clock.systemUTC(), new SecureRandom());
  }

  /** A client with an injected clock and randomness (for tests). */
  public static ExactEvmClient of(Signer signer, Clock clock, SecureRandom random) {
    return new ExactEvmClient(
        signer, clock, random, DEFAULT_MAX_AUTHORIZATION_LIFETIME, null, false);
  }

  /**
   * This client with another cap on how long a signed authorization stays valid.
   *
   * @throws IllegalArgumentException if {@code lifetime} is shorter than {@link
   *     #MIN_AUTHORIZATION_LIFETIME}
   */
  public ExactEvmClient withMaxAuthorizationLifetime(Duration lifetime) {
    return new ExactEvmClient(signer, clock, random, lifetime, reads, exactApprovals);
  }

  /**
   * This client reading the chain through {@code reads} to add gas-sponsoring extensions to Permit2
   * payments in {@link #createPayment} ({@code null}: never add them).
   */
  public ExactEvmClient withPermit2Reads(Permit2Reads reads) {
    return new ExactEvmClient(signer, clock, random, maxLifetime, reads, exactApprovals);
  }

  /**
   * This client approving Permit2 for only the payment's amount in an {@code
   * erc20ApprovalGasSponsoring} transaction, instead of the uint256 maximum the official client
   * approves.
   */
  public ExactEvmClient withExactPermit2Approvals() {
    return new ExactEvmClient(signer, clock, random, maxLifetime, reads, true);
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
    if (usesPermit2(requirements)) {
      return authorizePermit2(x402Version, requirements).toMap();
    }
    ExactEvmPayload payload = authorize(x402Version, requirements);
    return payload.toMap();
  }

  /**
   * The payload and, for a Permit2 requirement with {@link #withPermit2Reads reads} configured, the
   * gas-sponsoring extension answering one {@code declaredExtensions} names when the payer's
   * Permit2 allowance is short of the amount (see the class description).
   */
  @Override
  public SchemePayment createPayment(
      int x402Version, PaymentRequirements requirements, Map<String, Object> declaredExtensions) {
    if (!usesPermit2(requirements)) {
      return SchemePayment.of(authorize(x402Version, requirements).toMap());
    }
    Permit2Payload payload = authorizePermit2(x402Version, requirements);
    return new SchemePayment(
        payload.toMap(), permit2.extensions(requirements, payload, declaredExtensions));
  }

  /**
   * Whether {@code requirements} asks for Permit2: {@code extra.assetTransferMethod} is {@code
   * "permit2"}; absent or {@code "eip3009"} means EIP-3009.
   *
   * @throws IllegalArgumentException for any other value, naming it
   */
  public static boolean usesPermit2(PaymentRequirements requirements) {
    Object method =
        requirements.extra() == null ? null : requirements.extra().get("assetTransferMethod");
    if (method == null || "eip3009".equals(method)) {
      return false;
    }
    if ("permit2".equals(method)) {
      return true;
    }
    throw new IllegalArgumentException(
        "extra.assetTransferMethod "
            + (method instanceof String ? Text.quote((String) method) : String.valueOf(method))
            + " is not one this client pays with ('eip3009' or 'permit2')");
  }

  /**
   * Signs a Permit2 payment of {@code requirements} for the exact proxy (see the class
   * description), whatever {@code extra.assetTransferMethod} says.
   *
   * @throws IllegalArgumentException if the requirement is not exact on an EVM network, or its
   *     asset or recipient is not an address
   */
  public Permit2Payload authorizePermit2(int x402Version, PaymentRequirements requirements) {
    Permit2Payer.requireScheme(requirements, "exact");
    return permit2.sign(requirements, Permit2.EXACT_PROXY, null);
  }

  /**
   * Signs an EIP-3009 authorization paying {@code requirements}.
   *
   * @throws IllegalArgumentException as {@link #createPayload}, and when the requirement asks for
   *     Permit2 (use {@link #authorizePermit2})
   */
  public ExactEvmPayload authorize(int x402Version, PaymentRequirements requirements) {
    Permit2Payer.requireScheme(requirements, "exact");
    if (usesPermit2(requirements)) {
      throw new IllegalArgumentException(
          "the requirement asks for Permit2 (extra.assetTransferMethod \"permit2\"), not EIP-3009");
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
    return Permit2Payer.address(text, field);
  }
}
