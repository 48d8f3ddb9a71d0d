package io.x402j.evm;

import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ExactEvmClient} and {@link UptoEvmClient} share to pay through Permit2: signing the
 * {@code PermitWitnessTransferFrom} and adding a gas-sponsoring extension when the payer has not
 * approved Permit2, as @x402/evm 2.27.0 does.
 */
final class Permit2Payer {
  /** The gas limit of the raw approve transaction, as @x402/evm signs it. */
  static final long APPROVE_GAS_LIMIT = 70_000;

  private final Signer signer;
  private final Clock clock;
  private final SecureRandom random;
  private final Duration maxLifetime;
  private final Permit2Reads reads;
  private final boolean exactApprovals;

  Permit2Payer(
      Signer signer,
      Clock clock,
      SecureRandom random,
      Duration maxLifetime,
      Permit2Reads reads,
      boolean exactApprovals) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.maxLifetime = Objects.requireNonNull(maxLifetime, "maxLifetime");
    this.reads = reads;
    this.exactApprovals = exactApprovals;
  }

  /**
   * Signs a Permit2 payment of {@code requirements} to {@code spender}: a random 256-bit nonce,
   * {@code validAfter} 0 and {@code deadline} now + {@code maxTimeoutSeconds} (capped at the
   * client's maximum lifetime), as the official clients sign.
   *
   * @param facilitator the upto witness's facilitator, or {@code null} for the exact witness
   */
  Permit2Payload sign(
      PaymentRequirements requirements, EvmAddress spender, EvmAddress facilitator) {
    if (!requirements.network().isEvm()) {
      throw new IllegalArgumentException(
          "network " + requirements.network() + " is not an EVM network");
    }
    EvmAddress asset = address(requirements.asset(), "asset");
    EvmAddress payTo = address(requirements.payTo(), "payTo");
    long now = clock.instant().getEpochSecond();
    long lifetime = Math.min(requirements.maxTimeoutSeconds(), maxLifetime.toSeconds());
    Permit2Authorization authorization =
        new Permit2Authorization(
            asset,
            requirements.amount().value(),
            signer.address(),
            spender,
            new BigInteger(256, random),
            BigInteger.valueOf(now + lifetime),
            new Permit2Witness(payTo, facilitator, BigInteger.ZERO));
    Signature signature = Permit2.sign(signer, requirements.network().chainId(), authorization);
    return new Permit2Payload(signature.toString(), authorization);
  }

  /**
   * The gas-sponsoring extension for {@code payload}, or an empty map: none without reads, when the
   * 402 declares neither extension, or when the payer's Permit2 allowance already covers the
   * amount. An EIP-2612 permit when the 402 declares {@code eip2612GasSponsoring}, {@code extra}
   * has the token's EIP-712 domain and the token has {@code nonces()}; else a signed {@code
   * approve(Permit2, …)} transaction when the 402 declares {@code erc20ApprovalGasSponsoring}.
   */
  Map<String, Object> extensions(
      PaymentRequirements requirements, Permit2Payload payload, Map<String, Object> declared) {
    if (reads == null || declared == null) {
      return Map.of();
    }
    boolean eip2612 = declared.get(Eip2612GasSponsoring.KEY) != null;
    boolean erc20 = declared.get(Erc20ApprovalGasSponsoring.KEY) != null;
    if (!eip2612 && !erc20) {
      return Map.of();
    }
    Network network = requirements.network();
    Permit2Authorization a = payload.authorization();
    BigInteger required = requirements.amount().value();
    if (allowanceCovers(network, a.token(), required)) {
      return Map.of();
    }
    String name = requirements.extraString("name");
    String version = requirements.extraString("version");
    if (eip2612 && name != null && version != null) {
      Optional<BigInteger> nonce = reads.eip2612Nonce(network, a.token(), signer.address());
      if (nonce.isPresent()) {
        Bytes32 domain = Eip2612.domainSeparator(name, version, network.chainId(), a.token());
        Signature signature =
            signer.sign(
                Eip2612.digest(
                    domain,
                    signer.address(),
                    Permit2.ADDRESS,
                    required,
                    nonce.get(),
                    a.deadline()));
        return new Eip2612GasSponsoring(
                signer.address(),
                a.token(),
                Permit2.ADDRESS,
                required,
                nonce.get(),
                a.deadline(),
                signature.toString(),
                Eip2612GasSponsoring.VERSION)
            .toExtensions();
      }
    }
    if (erc20) {
      // The uint256 maximum, as @x402/evm approves.
      BigInteger amount = exactApprovals ? required : TokenAmount.UINT256_MAX;
      Permit2Reads.Fees fees = fees(network);
      Eip1559Transaction tx =
          new Eip1559Transaction(
              network.chainId(),
              reads.transactionNonce(network, signer.address()),
              fees.maxPriorityFeePerGas(),
              fees.maxFeePerGas(),
              APPROVE_GAS_LIMIT,
              a.token(),
              BigInteger.ZERO,
              Permit2Calls.erc20Approve(Permit2.ADDRESS, amount));
      byte[] signed = tx.encodeSigned(signer.sign(tx.signingHash()));
      return new Erc20ApprovalGasSponsoring(
              signer.address(),
              a.token(),
              Permit2.ADDRESS,
              amount,
              Hex.encode(signed),
              Erc20ApprovalGasSponsoring.VERSION)
          .toExtensions();
    }
    return Map.of();
  }

  /**
   * Whether the Permit2 allowance covers {@code required}; a failed read counts as not (as the
   * official client).
   */
  private boolean allowanceCovers(Network network, EvmAddress token, BigInteger required) {
    try {
      return reads.permit2Allowance(network, token, signer.address()).compareTo(required) >= 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Permit2Reads.Fees fees(Network network) {
    try {
      return reads.fees(network).orElse(Permit2Reads.Fees.DEFAULT);
    } catch (RuntimeException e) {
      return Permit2Reads.Fees.DEFAULT;
    }
  }

  static EvmAddress address(String text, String field) {
    try {
      return EvmAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("requirement " + field + ": " + e.getMessage());
    }
  }

  static void requireScheme(PaymentRequirements requirements, String scheme) {
    if (!scheme.equals(requirements.scheme())) {
      throw new IllegalArgumentException(
          "this client pays the " + scheme + " scheme, not " + Text.quote(requirements.scheme()));
    }
  }
}
