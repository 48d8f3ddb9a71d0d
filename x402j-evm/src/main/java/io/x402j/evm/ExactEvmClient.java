package io.x402j.evm;

import io.x402j.core.internal.Text;
import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Pays exact-scheme requirements on EVM networks by signing an EIP-3009 {@code
 * TransferWithAuthorization} with the payer's {@link Signer}. The payload has the same fields and
 * values the official SDK produces: a 32-byte random nonce, {@code validBefore = now +
 * maxTimeoutSeconds}, and {@code validAfter} {@code 0} for protocol v2 or {@code now − 600} for v1,
 * as the official v1 client sends. Thread-safe.
 */
public final class ExactEvmClient implements SchemeClient {
  private final Signer signer;
  private final Clock clock;
  private final SecureRandom random;

  private ExactEvmClient(Signer signer, Clock clock, SecureRandom random) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A client paying with {@code signer}, the system clock and a new {@link SecureRandom}. */
  public static ExactEvmClient of(Signer signer) {
    return new ExactEvmClient(signer, Clock.systemUTC(), new SecureRandom());
  }

  /** A client with an injected clock and randomness (for tests). */
  public static ExactEvmClient of(Signer signer, Clock clock, SecureRandom random) {
    return new ExactEvmClient(signer, clock, random);
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
    Eip3009Authorization authorization =
        new Eip3009Authorization(
            signer.address(),
            payTo,
            requirements.amount(),
            x402Version == 1 ? BigInteger.valueOf(now - 600) : BigInteger.ZERO,
            BigInteger.valueOf(now + requirements.maxTimeoutSeconds()),
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
