package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.Signature;
import io.x402j.evm.spi.Secp256k1Backend;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * The checks of an exact-scheme EVM payment that need no chain access, in the order the official
 * facilitator applies them, so a payment with one fault gets the same reason from both. The
 * signature of an account that does not recover locally may still be a smart wallet's; that is left
 * for ERC-1271 on chain. Not part of the x402j API.
 */
public final class PaymentCheck {
  /** A payment must stay valid this long after verification (the official margin). */
  public static final long VALID_BEFORE_MARGIN_SECONDS = 6;

  /** The outcome: {@link #failed()} with a reason, or the parsed payment ready for the chain. */
  public static final class Result {
    private final ErrorReason reason;
    private final String message;
    private final String payer;
    private final EvmChain chain;
    private final ExactEvmPayload payload;
    private final EvmAddress asset;
    private final Bytes32 digest;
    private final boolean contractSignature;
    private final String domainName;
    private final String domainVersion;
    private final Result deferred;
    private final Erc6492Signature deployment;
    private final byte[] calldataSuffix;

    private Result(
        ErrorReason reason,
        String message,
        String payer,
        EvmChain chain,
        ExactEvmPayload payload,
        EvmAddress asset,
        Bytes32 digest,
        boolean contractSignature,
        String domainName,
        String domainVersion,
        Result deferred,
        Erc6492Signature deployment) {
      this(
          reason,
          message,
          payer,
          chain,
          payload,
          asset,
          digest,
          contractSignature,
          domainName,
          domainVersion,
          deferred,
          deployment,
          new byte[0]);
    }

    private Result(
        ErrorReason reason,
        String message,
        String payer,
        EvmChain chain,
        ExactEvmPayload payload,
        EvmAddress asset,
        Bytes32 digest,
        boolean contractSignature,
        String domainName,
        String domainVersion,
        Result deferred,
        Erc6492Signature deployment,
        byte[] calldataSuffix) {
      this.calldataSuffix = calldataSuffix;
      this.reason = reason;
      this.message = message;
      this.payer = payer;
      this.chain = chain;
      this.payload = payload;
      this.asset = asset;
      this.digest = digest;
      this.contractSignature = contractSignature;
      this.domainName = domainName;
      this.domainVersion = domainVersion;
      this.deferred = deferred;
      this.deployment = deployment;
    }

    static Result fail(ErrorReason reason, String message, String payer) {
      return new Result(
          reason, message, payer, null, null, null, null, false, null, null, null, null);
    }

    /** Whether a check failed. */
    public boolean failed() {
      return reason != null;
    }

    /** The reason of the failure. */
    public ErrorReason reason() {
      return reason;
    }

    /** The message of the failure, or {@code null} for the reason's description. */
    public String message() {
      return message;
    }

    /** The payer's address as sent, or {@code null} when it could not be read. */
    public String payer() {
      return payer;
    }

    /** The chain the payment is on. */
    public EvmChain chain() {
      return chain;
    }

    /** The parsed payload. */
    public ExactEvmPayload payload() {
      return payload;
    }

    /** The token. */
    public EvmAddress asset() {
      return asset;
    }

    /** The EIP-712 digest the payer signed. */
    public Bytes32 digest() {
      return digest;
    }

    /**
     * Whether the signature did not recover to the payer locally, so the payer must be a contract
     * that accepts it through ERC-1271.
     */
    public boolean needsContractSignatureCheck() {
      return contractSignature;
    }

    /**
     * A later check that failed while the signature was still to be checked on chain (a contract
     * payer): it applies only if the contract accepts the signature. The official order puts the
     * signature first, so a tampered payment is reported as a bad signature.
     */
    public java.util.Optional<Result> deferredFailure() {
      return java.util.Optional.ofNullable(deferred);
    }

    /**
     * The ERC-6492 wrapper the signature came in, when the payer may be a counterfactual wallet:
     * then {@link #payload()} carries the wallet's own (inner) signature, and whether the wallet
     * must be deployed first is decided on chain (no code at the payer), where the factory must be
     * on the network's allow-list.
     */
    public java.util.Optional<Erc6492Signature> deployment() {
      return java.util.Optional.ofNullable(deployment);
    }

    /**
     * This result with the bytes its settlement calldata ends with (an ERC-8021 {@code
     * builder-code} suffix; calls ignore trailing bytes).
     */
    public Result withCalldataSuffix(byte[] suffix) {
      return new Result(
          reason,
          message,
          payer,
          chain,
          payload,
          asset,
          digest,
          contractSignature,
          domainName,
          domainVersion,
          deferred,
          deployment,
          suffix.clone());
    }

    /** The settlement calldata's trailing bytes (empty when none). */
    public byte[] calldataSuffix() {
      return calldataSuffix.clone();
    }

    /** The EIP-712 domain name the payer signed under ({@code extra.name}). */
    public String domainName() {
      return domainName;
    }

    /** The EIP-712 domain version the payer signed under ({@code extra.version}). */
    public String domainVersion() {
      return domainVersion;
    }
  }

  private PaymentCheck() {}

  /**
   * Where requirements send a payment: the chain serving their network, their asset (one this chain
   * accepts) and payee, parsed; or why they cannot be served ({@code reason} non-null).
   */
  record Target(
      EvmChain chain, EvmAddress asset, EvmAddress payTo, ErrorReason reason, String message) {
    static Target of(PaymentRequirements required, Function<Network, EvmChain> chains) {
      EvmChain chain = chains.apply(required.network());
      if (chain == null) {
        return refused(
            ErrorReason.INVALID_NETWORK, "network " + required.network() + " is not served here");
      }
      EvmAddress asset;
      EvmAddress payTo;
      try {
        asset = EvmAddress.parse(required.asset());
        payTo = EvmAddress.parse(required.payTo());
      } catch (IllegalArgumentException e) {
        return refused(ErrorReason.INVALID_PAYMENT_REQUIREMENTS, e.getMessage());
      }
      if (!chain.config().assets().contains(asset)) {
        return refused(
            ErrorReason.UNSUPPORTED_ASSET,
            "asset " + asset + " is not accepted on " + required.network());
      }
      return new Target(chain, asset, payTo, null, null);
    }

    private static Target refused(ErrorReason reason, String message) {
      return new Target(null, null, null, reason, message);
    }
  }

  /**
   * Runs the local checks.
   *
   * @param chains the chains served, by network
   */
  public static Result run(SchemeRequest request, Function<Network, EvmChain> chains, Instant now) {
    PaymentRequirements required = request.requirements();
    PaymentRequirements accepted = request.payload().accepted();
    String payer = payerOf(request.payload().payload());
    if (!"exact".equals(accepted.scheme()) || !"exact".equals(required.scheme())) {
      return Result.fail(ErrorReason.EXACT_EVM_SCHEME, null, payer);
    }
    String name = required.extraString("name");
    String version = required.extraString("version");
    if (name == null || name.isEmpty() || version == null || version.isEmpty()) {
      return Result.fail(ErrorReason.EXACT_EVM_MISSING_EIP712_DOMAIN, null, payer);
    }
    if (!accepted.network().equals(required.network())) {
      return Result.fail(
          ErrorReason.EXACT_EVM_NETWORK_MISMATCH,
          "the payment is for "
              + accepted.network()
              + ", the requirement for "
              + required.network(),
          payer);
    }
    Target target = Target.of(required, chains);
    if (target.reason() != null) {
      return Result.fail(target.reason(), target.message(), payer);
    }
    EvmChain chain = target.chain();
    EvmAddress asset = target.asset();
    EvmAddress payTo = target.payTo();
    ExactEvmPayload payload;
    try {
      payload = ExactEvmPayload.fromMap(request.payload().payload());
    } catch (IllegalArgumentException e) {
      return Result.fail(ErrorReason.INVALID_PAYLOAD, e.getMessage(), payer);
    }
    Eip3009Authorization a = payload.authorization();
    payer = a.from().toString();
    byte[] signature = payload.signatureBytes();
    Erc6492Signature deployment;
    try {
      deployment = Erc6492Signature.parse(signature).orElse(null);
      if (deployment != null) {
        payload = new ExactEvmPayload(Hex.encode(deployment.inner()), a);
      }
    } catch (IllegalArgumentException e) {
      return Result.fail(
          ErrorReason.EXACT_EVM_SIGNATURE,
          "malformed ERC-6492 signature: " + e.getMessage(),
          payer);
    }
    Bytes32 digest =
        Eip3009.digest(
            Eip3009.domainSeparator(name, version, required.network().chainId(), asset), a);
    boolean contractSignature;
    if (payload.isEcdsaSignature()) {
      Signature parsed;
      try {
        parsed = Signature.parse(payload.signature());
      } catch (IllegalArgumentException e) {
        return Result.fail(
            ErrorReason.EXACT_EVM_SIGNATURE, "malformed signature: " + e.getMessage(), payer);
      }
      if (parsed.isHighS()) {
        return Result.fail(
            ErrorReason.EXACT_EVM_SIGNATURE,
            "signature has a high s value (a malleable copy); refused before any chain access",
            payer);
      }
      EvmAddress recovered = parsed.recoverSigner(Secp256k1Backend.best(), digest);
      contractSignature = !a.from().equals(recovered);
    } else {
      contractSignature = true;
    }
    Result later = laterChecks(a, payTo, required, request.x402Version(), now, payer);
    if (later != null && !contractSignature) {
      return later;
    }
    if (deployment != null) {
      // The wallet may not exist yet: its answer is asked on chain, deploying it in a simulation.
      contractSignature = true;
    }
    return new Result(
        null,
        null,
        payer,
        chain,
        payload,
        asset,
        digest,
        contractSignature,
        name,
        version,
        later,
        deployment);
  }

  /** Recipient, validity window and value, in the official order; the first failure or null. */
  private static Result laterChecks(
      Eip3009Authorization a,
      EvmAddress payTo,
      PaymentRequirements required,
      int x402Version,
      Instant now,
      String payer) {
    if (!a.to().equals(payTo)) {
      return Result.fail(
          ErrorReason.EXACT_EVM_RECIPIENT_MISMATCH,
          "the authorization pays " + a.to() + ", the requirement asks for " + payTo,
          payer);
    }
    long seconds = now.getEpochSecond();
    if (a.validBefore().compareTo(BigInteger.valueOf(seconds + VALID_BEFORE_MARGIN_SECONDS)) < 0) {
      return Result.fail(
          ErrorReason.EXACT_EVM_VALID_BEFORE,
          "the authorization is valid before " + a.validBefore() + "; now is " + seconds,
          payer);
    }
    if (a.validAfter().compareTo(BigInteger.valueOf(seconds)) > 0) {
      return Result.fail(
          ErrorReason.EXACT_EVM_VALID_AFTER,
          "the authorization is valid after " + a.validAfter() + "; now is " + seconds,
          payer);
    }
    if (!a.value().equals(required.amount())) {
      return Result.fail(
          x402Version == 1
              ? ErrorReason.EXACT_EVM_AUTHORIZATION_VALUE
              : ErrorReason.EXACT_EVM_VALUE_MISMATCH,
          "the authorization is for " + a.value() + ", the requirement is " + required.amount(),
          payer);
    }
    return null;
  }

  private static String payerOf(Map<String, Object> payload) {
    Object auth = payload.get("authorization");
    if (auth instanceof Map) {
      Object from = ((Map<?, ?>) auth).get("from");
      if (from instanceof String && EvmAddress.isValid((String) from)) {
        return EvmAddress.parse((String) from).toString();
      }
    }
    return null;
  }
}
