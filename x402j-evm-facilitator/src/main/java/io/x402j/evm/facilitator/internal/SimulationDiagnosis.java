package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.decodeBool;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeString;
import static io.x402j.evm.facilitator.internal.ChainReads.decodeUint;
import static io.x402j.evm.facilitator.internal.ChainReads.ethCall;

import io.x402j.core.ErrorReason;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcError;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Why a payment's transfer would fail, in the official reasons and the official order: the token
 * lacks EIP-3009, the authorization was used, the token's EIP-712 name or version differs from the
 * requirement's, the payer's balance is short; otherwise the simulation simply failed. Verification
 * explains a failed {@code eth_call} with it, settlement a failed {@code eth_estimateGas}. Not part
 * of the x402j API.
 *
 * @param reason the reason
 * @param message what the chain said, for the answer's message
 */
public record SimulationDiagnosis(ErrorReason reason, String message) {

  /**
   * Diagnoses a failed simulation from the authorization's {@code state} and the payer's {@code
   * balance} read in the same batch, asking the token's name and version when needed.
   *
   * @param simulationMessage what the node said of the simulation (see {@link #revertMessage})
   */
  public static CompletableFuture<SimulationDiagnosis> of(
      PaymentCheck.Result check, RpcResult state, RpcResult balance, String simulationMessage) {
    if (!state.ok()) {
      return done(
          new SimulationDiagnosis(ErrorReason.EXACT_EVM_EIP3009_NOT_SUPPORTED, simulationMessage));
    }
    if (decodeBool(state)) {
      return done(
          new SimulationDiagnosis(
              ErrorReason.EXACT_EVM_NONCE_ALREADY_USED,
              "authorization "
                  + check.payload().authorization().nonce()
                  + " was already used or cancelled"));
    }
    List<RpcCall> calls =
        List.of(
            ethCall(null, check.asset(), Eip3009Calls.name()),
            ethCall(null, check.asset(), Eip3009Calls.version()));
    return check
        .chain()
        .rpc()
        .batch(calls)
        .handle(
            (results, error) -> {
              if (results != null) {
                SimulationDiagnosis domain =
                    domainMismatch(
                        check, decodeString(results.get(0)), decodeString(results.get(1)));
                if (domain != null) {
                  return domain;
                }
              }
              BigInteger value = check.payload().authorization().value().value();
              if (balance.ok()) {
                BigInteger held = decodeUint(balance);
                if (held != null && held.compareTo(value) < 0) {
                  return new SimulationDiagnosis(
                      ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE,
                      "the payer holds " + held + ", the payment is " + value);
                }
              }
              return new SimulationDiagnosis(
                  ErrorReason.EXACT_EVM_SIMULATION_FAILED, simulationMessage);
            });
  }

  /** Diagnoses with fresh reads of the authorization's state and the payer's balance. */
  public static CompletableFuture<SimulationDiagnosis> fresh(
      PaymentCheck.Result check, String simulationMessage) {
    Eip3009Authorization a = check.payload().authorization();
    List<RpcCall> calls =
        List.of(
            ethCall(null, check.asset(), Eip3009Calls.authorizationState(a.from(), a.nonce())),
            ethCall(null, check.asset(), Eip3009Calls.balanceOf(a.from())));
    return check
        .chain()
        .rpc()
        .batch(calls)
        .thenCompose(r -> of(check, r.get(0), r.get(1), simulationMessage));
  }

  /**
   * The payer holds enough for this payment alone, but not besides what is already {@code
   * committed} to settlements in flight.
   */
  public static SimulationDiagnosis shortfall(
      BigInteger held, BigInteger committed, BigInteger value) {
    return new SimulationDiagnosis(
        ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE,
        "the payer holds "
            + held
            + ", of which "
            + committed
            + " is committed to settlements in flight; the payment is "
            + value);
  }

  /**
   * What a node said of a failed simulation: the token's revert reason when the error carries one,
   * else the node's message; {@code null} without an error.
   */
  public static String revertMessage(RpcError error) {
    if (error == null) {
      return null;
    }
    String data = error.dataHex();
    String reason = data == null ? null : Abi.revertReason(Hex.decode(data));
    return reason != null ? "simulation reverted: " + reason : error.message();
  }

  private static SimulationDiagnosis domainMismatch(
      PaymentCheck.Result check, String name, String version) {
    String expectedName = check.domainName();
    if (name != null && !name.equals(expectedName)) {
      return new SimulationDiagnosis(
          ErrorReason.EXACT_EVM_TOKEN_NAME_MISMATCH,
          "the token's EIP-712 name is '"
              + name
              + "', the requirement says '"
              + expectedName
              + "'");
    }
    String expectedVersion = check.domainVersion();
    if (version != null && !version.equals(expectedVersion)) {
      return new SimulationDiagnosis(
          ErrorReason.EXACT_EVM_TOKEN_VERSION_MISMATCH,
          "the token's EIP-712 version is '"
              + version
              + "', the requirement says '"
              + expectedVersion
              + "'");
    }
    return null;
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
