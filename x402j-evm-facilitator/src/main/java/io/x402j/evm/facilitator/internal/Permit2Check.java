package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Signature;
import io.x402j.evm.spi.Secp256k1Backend;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checks of a Permit2 payment (exact through the exact proxy, upto through the upto proxy) that
 * need no chain access, in the order of @x402/evm's {@code verifyPermit2} and {@code
 * verifyUptoPermit2}: scheme, network, spender, witness recipient, (upto) witness facilitator among
 * the signers, deadline at least {@value PaymentCheck#VALID_BEFORE_MARGIN_SECONDS} s ahead, {@code
 * validAfter} not in the future, permitted amount equal to the required one, permitted token equal
 * to the asset, then the signature (ECDSA locally; anything else is left for ERC-1271 on chain, and
 * then every later failure is deferred behind it). Not part of the x402j API.
 */
public final class Permit2Check {
  /** Which proxy the payment goes through. */
  public enum Mode {
    /** The exact scheme: {@code x402ExactPermit2Proxy}, exact witness. */
    EXACT("exact", Permit2.EXACT_PROXY),
    /** The upto scheme: {@code x402UptoPermit2Proxy}, witness with the facilitator. */
    UPTO("upto", Permit2.UPTO_PROXY);

    private final String scheme;
    private final EvmAddress proxy;

    Mode(String scheme, EvmAddress proxy) {
      this.scheme = scheme;
      this.proxy = proxy;
    }

    /** The x402 scheme name. */
    public String scheme() {
      return scheme;
    }

    /** The proxy that must be the permit's spender. */
    public EvmAddress proxy() {
      return proxy;
    }
  }

  /** The outcome: failed with a reason, or the parsed payment ready for the chain. */
  public record Result(
      ErrorReason reason,
      String message,
      String payer,
      Mode mode,
      EvmChain chain,
      Permit2Payload payload,
      EvmAddress asset,
      EvmAddress payTo,
      Bytes32 digest,
      boolean contractSignature,
      Result deferred,
      Eip2612GasSponsoring permit2612) {

    static Result fail(ErrorReason reason, String message, String payer) {
      return new Result(
          reason, message, payer, null, null, null, null, null, null, false, null, null);
    }

    /** Whether a check failed. */
    public boolean failed() {
      return reason != null;
    }

    /** The authorization. */
    public Permit2Authorization authorization() {
      return payload.authorization();
    }

    /** The permit's owner. */
    public EvmAddress owner() {
      return payload.authorization().from();
    }

    /** The proxy the settlement calls. */
    public EvmAddress proxy() {
      return mode.proxy();
    }

    /** The network. */
    public Network network() {
      return chain.config().network();
    }
  }

  private Permit2Check() {}

  /**
   * Runs the local checks.
   *
   * @param required the requirements to check against (for an upto settlement, with the ceiling as
   *     amount)
   * @param signers the addresses of this facilitator's signers on a network
   */
  public static Result run(
      SchemeRequest request,
      PaymentRequirements required,
      Mode mode,
      Function<Network, EvmChain> chains,
      Instant now) {
    PaymentRequirements accepted = request.payload().accepted();
    Map<String, Object> raw = request.payload().payload();
    String payer = payerOf(raw);
    if (!mode.scheme().equals(accepted.scheme()) || !mode.scheme().equals(required.scheme())) {
      return Result.fail(
          mode == Mode.UPTO ? ErrorReason.UPTO_SCHEME : ErrorReason.UNSUPPORTED_PAYLOAD_TYPE,
          "the scheme is not " + mode.scheme(),
          payer);
    }
    if (!accepted.network().equals(required.network())) {
      return Result.fail(
          mode == Mode.UPTO
              ? ErrorReason.UPTO_NETWORK_MISMATCH
              : ErrorReason.EXACT_EVM_NETWORK_MISMATCH,
          "the payment is for "
              + accepted.network()
              + ", the requirement for "
              + required.network(),
          payer);
    }
    PaymentCheck.Target target = PaymentCheck.Target.of(required, chains);
    if (target.reason() != null) {
      return Result.fail(target.reason(), target.message(), payer);
    }
    EvmChain chain = target.chain();
    EvmAddress asset = target.asset();
    EvmAddress payTo = target.payTo();
    Permit2Payload payload;
    try {
      payload = Permit2Payload.fromMap(raw);
    } catch (IllegalArgumentException e) {
      return Result.fail(ErrorReason.INVALID_PAYLOAD, e.getMessage(), payer);
    }
    Permit2Authorization a = payload.authorization();
    payer = a.from().toString();
    if (a.witness().isUpto() != (mode == Mode.UPTO)) {
      return Result.fail(
          ErrorReason.UNSUPPORTED_PAYLOAD_TYPE,
          mode == Mode.UPTO
              ? "the upto scheme needs the upto witness (to, facilitator, validAfter)"
              : "the exact scheme needs the exact witness (to, validAfter), without a facilitator",
          payer);
    }
    if (!a.spender().equals(mode.proxy())) {
      return Result.fail(
          ErrorReason.PERMIT2_INVALID_SPENDER,
          "the permit's spender is "
              + a.spender()
              + ", not the "
              + mode.scheme()
              + " proxy "
              + mode.proxy(),
          payer);
    }
    if (!a.witness().to().equals(payTo)) {
      return Result.fail(
          ErrorReason.PERMIT2_RECIPIENT_MISMATCH,
          "the witness pays " + a.witness().to() + ", the requirement asks for " + payTo,
          payer);
    }
    if (mode == Mode.UPTO && chain.laneOf(a.witness().facilitator()) == null) {
      return Result.fail(
          ErrorReason.UPTO_FACILITATOR_MISMATCH,
          "the witness names facilitator "
              + a.witness().facilitator()
              + ", which is not a signer of this facilitator on "
              + required.network(),
          payer);
    }
    byte[] signature = payload.signatureBytes();
    if (Eip3009Calls.isErc6492(signature)) {
      return Result.fail(
          ErrorReason.EIP6492_FACTORY_NOT_ALLOWED,
          "counterfactual (ERC-6492) wallet signatures are not supported yet",
          payer);
    }
    Result later = laterChecks(a, asset, required, now, payer);
    Bytes32 digest = Permit2.digest(required.network().chainId(), a);
    boolean contractSignature = true; // unless it recovers to the owner locally
    Signature parsed = signature.length == 65 ? parseOrNull(payload.signature()) : null;
    if (parsed != null) {
      if (parsed.isHighS()) {
        return later != null
            ? later
            : Result.fail(
                ErrorReason.PERMIT2_INVALID_SIGNATURE,
                "signature has a high s value (a malleable copy); refused before any chain access",
                payer);
      }
      contractSignature = !a.from().equals(parsed.recoverSigner(Secp256k1Backend.best(), digest));
    }
    // Any other signature (a 65-byte one that is no ECDSA signature, or a longer one) may still be
    // a smart wallet's: ERC-1271 on chain decides.
    if (later != null && !contractSignature) {
      return later;
    }
    // The eip2612GasSponsoring extension, checked after the signature as the official verifier.
    Eip2612GasSponsoring permit2612 = null;
    Optional<GasSponsoringCheck.Checked<Eip2612GasSponsoring>> sponsoring =
        GasSponsoringCheck.eip2612(
            request.payload().extensions(), a.from(), asset, a.amount(), now);
    if (sponsoring.isPresent()) {
      GasSponsoringCheck.Checked<Eip2612GasSponsoring> checked = sponsoring.get();
      if (checked.refused()) {
        Result refusal =
            Result.fail(checked.refusal().reason(), checked.refusal().message(), payer);
        if (!contractSignature) {
          return refusal;
        }
        if (later == null) {
          later = refusal;
        }
      } else {
        permit2612 = checked.value();
      }
    }
    return new Result(
        null,
        null,
        payer,
        mode,
        chain,
        payload,
        asset,
        payTo,
        digest,
        contractSignature,
        later,
        permit2612);
  }

  /** Deadline, validAfter, amount and token, in the official order; the first failure or null. */
  private static Result laterChecks(
      Permit2Authorization a,
      EvmAddress asset,
      PaymentRequirements required,
      Instant now,
      String payer) {
    long seconds = now.getEpochSecond();
    if (a.deadline()
            .compareTo(BigInteger.valueOf(seconds + PaymentCheck.VALID_BEFORE_MARGIN_SECONDS))
        < 0) {
      return Result.fail(
          ErrorReason.PERMIT2_DEADLINE_EXPIRED,
          "the permit's deadline is " + a.deadline() + "; now is " + seconds,
          payer);
    }
    if (a.witness().validAfter().compareTo(BigInteger.valueOf(seconds)) > 0) {
      return Result.fail(
          ErrorReason.PERMIT2_NOT_YET_VALID,
          "the permit is valid after " + a.witness().validAfter() + "; now is " + seconds,
          payer);
    }
    if (!a.amount().equals(required.amount().value())) {
      return Result.fail(
          ErrorReason.PERMIT2_AMOUNT_MISMATCH,
          "the permit is for " + a.amount() + ", the requirement is " + required.amount(),
          payer);
    }
    if (!a.token().equals(asset)) {
      return Result.fail(
          ErrorReason.PERMIT2_TOKEN_MISMATCH,
          "the permit is for token " + a.token() + ", the requirement's asset is " + asset,
          payer);
    }
    return null;
  }

  private static Signature parseOrNull(String hex) {
    try {
      return Signature.parse(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String payerOf(Map<String, Object> payload) {
    Object auth = payload.get("permit2Authorization");
    if (auth instanceof Map) {
      Object from = ((Map<?, ?>) auth).get("from");
      if (from instanceof String && EvmAddress.isValid((String) from)) {
        return EvmAddress.parse((String) from).toString();
      }
    }
    return null;
  }
}
