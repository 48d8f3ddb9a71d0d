package io.x402j.evm.facilitator.internal;

import io.x402j.core.ErrorReason;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.util.Arrays;
import java.util.List;

/**
 * Payments from counterfactual smart wallets (ERC-6492): the payer has no code yet and its
 * signature carries the factory call that deploys it. Verification simulates, in one {@code
 * eth_call} through Multicall3, the deployment, the wallet's ERC-1271 answer to the inner signature
 * and the transfer; settlement sends the deployment and the transfer as one Multicall3 transaction,
 * so a crash can never leave a deployed wallet with the payment half done, and a retry finds either
 * the whole transaction in the ledger or nothing sent. A wallet that is deployed by the time of
 * settlement is paid from directly, without deploying again. Only factories on the network's
 * allow-list are used: the facilitator pays the deployment's gas. Not part of the x402j API.
 */
public final class Counterfactual {
  private Counterfactual() {}

  /**
   * What the simulation showed.
   *
   * @param reason why the payment is refused, or null
   * @param message what the chain said
   * @param transferOk whether the transfer succeeded after the deployment
   */
  public record Verdict(ErrorReason reason, String message, boolean transferOk) {
    /** Whether the payment is refused before the transfer is looked at. */
    public boolean refused() {
      return reason != null;
    }
  }

  /** Whether the wrapper's factory is on the network's allow-list. */
  public static boolean allowed(PaymentCheck.Result check) {
    Erc6492Signature wrapper = check.deployment().orElseThrow();
    return check.chain().config().eip6492AllowedFactories().contains(wrapper.factory());
  }

  /** The refusal of a factory not on the allow-list. */
  public static String notAllowed(PaymentCheck.Result check) {
    return "factory "
        + check.deployment().orElseThrow().factory()
        + " is not allowed to deploy counterfactual wallets on "
        + check.chain().config().network();
  }

  /** The refusal when the network has no Multicall3 to deploy the wallet through. */
  public static String noMulticall(PaymentCheck.Result check) {
    return "no usable Multicall3 at "
        + Multicall3.ADDRESS
        + " on "
        + check.chain().config().network()
        + ": the counterfactual wallet cannot be deployed and used in one step";
  }

  /** The {@code eth_call} that deploys the wallet, asks it about the signature and transfers. */
  public static RpcCall simulation(PaymentCheck.Result check) {
    Erc6492Signature wrapper = check.deployment().orElseThrow();
    EvmAddress payer = check.payload().authorization().from();
    byte[] data =
        Multicall3.aggregate3(
            List.of(
                new Multicall3.Call(wrapper.factory(), true, wrapper.factoryCalldata()),
                new Multicall3.Call(
                    payer, true, Eip3009Calls.isValidSignature(check.digest(), wrapper.inner())),
                new Multicall3.Call(
                    check.asset(), true, Eip3009Calls.transferWithAuthorization(check.payload()))));
    return ChainReads.ethCall(check.chain().simulationSender(), Multicall3.ADDRESS, data);
  }

  /** The settlement transaction's calldata (to {@link Multicall3#ADDRESS}). */
  public static byte[] settlement(PaymentCheck.Result check) {
    Erc6492Signature wrapper = check.deployment().orElseThrow();
    return Multicall3.aggregate3(
        List.of(
            // Allowed to fail: someone may deploy the wallet first, and then the transfer decides.
            new Multicall3.Call(wrapper.factory(), true, wrapper.factoryCalldata()),
            new Multicall3.Call(
                check.asset(), false, Eip3009Calls.transferWithAuthorization(check.payload()))));
  }

  /** Judges the answer to {@link #simulation}, the allow-list first (as the official order). */
  public static Verdict judge(PaymentCheck.Result check, RpcResult simulation) {
    if (!allowed(check)) {
      return new Verdict(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED, notAllowed(check), false);
    }
    if (!simulation.ok() || simulation.result() == null) {
      return new Verdict(
          ErrorReason.EXACT_EVM_SIMULATION_FAILED,
          "the deployment simulation failed: "
              + (simulation.ok() ? "no answer" : simulation.error().message()),
          false);
    }
    List<Multicall3.Result> results;
    try {
      results = Multicall3.decode(Hex.decode(simulation.result().asText()), 3);
    } catch (IllegalArgumentException e) {
      return new Verdict(
          ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED,
          noMulticall(check) + " (" + e.getMessage() + ")",
          false);
    }
    if (!results.get(0).success()) {
      return new Verdict(
          ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED,
          "factory "
              + check.deployment().orElseThrow().factory()
              + " reverted deploying the wallet"
              + reasonOf(results.get(0)),
          false);
    }
    Multicall3.Result validity = results.get(1);
    if (!validity.success()
        || validity.data().length < 4
        || !Arrays.equals(Arrays.copyOf(validity.data(), 4), Eip3009Calls.ERC1271_MAGIC)) {
      return new Verdict(
          ErrorReason.EXACT_EVM_SIGNATURE,
          "the counterfactual wallet, once deployed, does not accept the signature (ERC-1271)",
          false);
    }
    Multicall3.Result transfer = results.get(2);
    return new Verdict(
        null,
        transfer.success() ? null : "the transfer reverted" + reasonOf(transfer),
        transfer.success());
  }

  private static String reasonOf(Multicall3.Result result) {
    String reason = Abi.revertReason(result.data());
    return reason == null ? "" : ": " + reason;
  }
}
