package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;

/**
 * What a settlement transaction may pay for gas, within the operator's caps: EIP-1559 fees from the
 * latest block's base fee and the tip (configured, else the node's suggestion, else 0.001 gwei),
 * and a gas limit from the node's estimate with headroom. A network whose fees or whose estimate is
 * above the cap is refused with a message saying which, never sent. Not part of the x402j API.
 */
public final class FeeQuote {
  /** The tip when neither the configuration nor the node names one: 0.001 gwei. */
  static final BigInteger DEFAULT_TIP = BigInteger.valueOf(1_000_000);

  /** Gas added to the estimate besides a quarter of it. */
  static final long GAS_MARGIN = 5_000;

  private FeeQuote() {}

  /**
   * Fees per gas.
   *
   * @param maxPriorityFeePerGas the tip
   * @param maxFeePerGas the most per gas, base fee included
   */
  public record Fees(BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas) {
    /** The most {@code gas} units may cost at these fees. */
    public BigInteger mostFor(long gas) {
      return maxFeePerGas.multiply(BigInteger.valueOf(gas));
    }

    /** These fees with a gas limit. */
    public Quote withGasLimit(long gasLimit) {
      return new Quote(gasLimit, maxPriorityFeePerGas, maxFeePerGas);
    }
  }

  /**
   * The gas fields of a transaction.
   *
   * @param gasLimit the gas limit
   * @param maxPriorityFeePerGas the tip
   * @param maxFeePerGas the most per gas, base fee included
   */
  public record Quote(long gasLimit, BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas) {}

  /**
   * Fees, or why there are none.
   *
   * @param fees the fees, or {@code null} when refused
   * @param refusal why not, or {@code null}
   */
  public record Priced(Fees fees, String refusal) {
    /** Whether there are fees. */
    public boolean ok() {
      return fees != null;
    }
  }

  /**
   * A gas limit, or why there is none.
   *
   * @param limit the gas limit, 0 when refused
   * @param refusal why not, or {@code null}
   */
  public record GasLimit(long limit, String refusal) {
    /** Whether there is a limit. */
    public boolean ok() {
      return refusal == null;
    }
  }

  /**
   * The fees of a transaction sent now: twice the base fee plus the tip, at most the cap; refused
   * when the latest block has no base fee, or when base fee and tip alone exceed the cap.
   *
   * @param block the answer to {@code eth_getBlockByNumber("latest")}
   * @param suggestedTip the answer to {@code eth_maxPriorityFeePerGas}, or {@code null} when not
   *     asked
   */
  public static Priced fees(EvmNetworkConfig config, RpcResult block, RpcResult suggestedTip) {
    if (!block.ok() || block.result() == null || !block.result().hasNonNull("baseFeePerGas")) {
      return new Priced(null, "the latest block has no base fee (EIP-1559 is required)");
    }
    BigInteger baseFee = Hex.parseQuantity(block.result().get("baseFeePerGas").asText());
    BigInteger tip;
    if (config.maxPriorityFeePerGas() != null) {
      tip = config.maxPriorityFeePerGas();
    } else if (suggestedTip != null && suggestedTip.ok()) {
      tip = Hex.parseQuantity(suggestedTip.result().asText());
    } else {
      tip = DEFAULT_TIP;
    }
    BigInteger cap = config.maxFeePerGas();
    if (baseFee.add(tip).compareTo(cap) > 0) {
      return new Priced(
          null,
          "network fees (base "
              + baseFee
              + " + tip "
              + tip
              + " wei per gas) are above the cap of "
              + cap);
    }
    BigInteger maxFee = baseFee.shiftLeft(1).add(tip).min(cap);
    return new Priced(new Fees(tip, maxFee), null);
  }

  /**
   * The gas limit for an {@code eth_estimateGas} answer: a quarter and {@value #GAS_MARGIN} more,
   * at most the cap; refused when the estimate alone is above the cap.
   */
  public static GasLimit gasLimit(EvmNetworkConfig config, RpcResult estimate) {
    long gas = Hex.parseQuantity(estimate.result().asText()).longValueExact();
    if (gas > config.gasLimitCap()) {
      return new GasLimit(
          0, "the settlement needs " + gas + " gas, above the cap of " + config.gasLimitCap());
    }
    return new GasLimit(Math.min(config.gasLimitCap(), gas + gas / 4 + GAS_MARGIN), null);
  }
}
