package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcError;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Fees and gas stay within the operator's caps; what cannot is refused saying why. */
class FeeQuoteTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000);

  private static EvmNetworkConfig.Builder config() {
    return EvmNetworkConfig.builder(
            Network.evm(84532), JsonRpcClient.builder("http://127.0.0.1:9").build())
        .asset(EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e"))
        .signer(PrivateKeySigner.fromHex("0x" + "11".repeat(32)));
  }

  private static RpcResult block(BigInteger baseFee) {
    ObjectNode block = JSON.objectNode();
    block.put("number", "0x10");
    block.put("baseFeePerGas", "0x" + baseFee.toString(16));
    return RpcResult.ok(block);
  }

  private static RpcResult quantity(long value) {
    return RpcResult.ok(JSON.textNode("0x" + Long.toHexString(value)));
  }

  @Test
  void feesAreTwiceTheBaseFeePlusTheNodesTip() {
    FeeQuote.Priced priced = FeeQuote.fees(config().build(), block(GWEI), quantity(2_000_000));

    assertThat(priced.ok()).isTrue();
    assertThat(priced.fees().maxPriorityFeePerGas()).isEqualTo(BigInteger.valueOf(2_000_000));
    assertThat(priced.fees().maxFeePerGas())
        .isEqualTo(GWEI.shiftLeft(1).add(BigInteger.valueOf(2_000_000)));
  }

  @Test
  void aConfiguredTipWinsOverTheNodesAndNoSuggestionMeansAThousandthOfAGwei() {
    EvmNetworkConfig tipped = config().maxPriorityFeePerGas(BigInteger.valueOf(7)).build();
    assertThat(
            FeeQuote.fees(tipped, block(GWEI), quantity(2_000_000)).fees().maxPriorityFeePerGas())
        .isEqualTo(BigInteger.valueOf(7));

    RpcResult refused = RpcResult.failed(new RpcError(-32601, "method not found", null));
    assertThat(FeeQuote.fees(config().build(), block(GWEI), refused).fees().maxPriorityFeePerGas())
        .isEqualTo(BigInteger.valueOf(1_000_000));
    assertThat(FeeQuote.fees(config().build(), block(GWEI), null).fees().maxPriorityFeePerGas())
        .isEqualTo(BigInteger.valueOf(1_000_000));
  }

  @Test
  void theMaxFeeStopsAtTheCap() {
    EvmNetworkConfig capped = config().maxFeePerGas(GWEI.add(GWEI.shiftRight(1))).build();

    FeeQuote.Priced priced = FeeQuote.fees(capped, block(GWEI), quantity(1));

    assertThat(priced.fees().maxFeePerGas()).isEqualTo(GWEI.add(GWEI.shiftRight(1)));
  }

  @Test
  void networkFeesAboveTheCapAreRefused() {
    EvmNetworkConfig capped = config().maxFeePerGas(GWEI).build();

    FeeQuote.Priced priced = FeeQuote.fees(capped, block(GWEI), quantity(1));

    assertThat(priced.ok()).isFalse();
    assertThat(priced.refusal())
        .isEqualTo(
            "network fees (base 1000000000 + tip 1 wei per gas) are above the cap of 1000000000");
  }

  @Test
  void aBlockWithoutBaseFeeIsRefused() {
    ObjectNode legacy = JSON.objectNode();
    legacy.put("number", "0x10");

    assertThat(FeeQuote.fees(config().build(), RpcResult.ok(legacy), null).refusal())
        .isEqualTo("the latest block has no base fee (EIP-1559 is required)");
  }

  @Test
  void theGasLimitIsTheEstimateWithHeadroomWithinTheCap() {
    EvmNetworkConfig config = config().gasLimitCap(200_000).build();

    assertThat(FeeQuote.gasLimit(config, quantity(80_000)).limit())
        .isEqualTo(80_000 + 20_000 + FeeQuote.GAS_MARGIN);
    assertThat(FeeQuote.gasLimit(config, quantity(190_000)).limit()).isEqualTo(200_000);
  }

  @Test
  void anEstimateAboveTheCapIsRefused() {
    FeeQuote.GasLimit gas =
        FeeQuote.gasLimit(config().gasLimitCap(200_000).build(), quantity(200_001));

    assertThat(gas.ok()).isFalse();
    assertThat(gas.refusal()).isEqualTo("the settlement needs 200001 gas, above the cap of 200000");
  }

  @Test
  void aQuoteCarriesTheFeesAndTheLimit() {
    FeeQuote.Fees fees = new FeeQuote.Fees(BigInteger.ONE, BigInteger.TEN);

    assertThat(fees.mostFor(21_000)).isEqualTo(BigInteger.valueOf(210_000));
    assertThat(fees.withGasLimit(21_000))
        .isEqualTo(new FeeQuote.Quote(21_000, BigInteger.ONE, BigInteger.TEN));
  }
}
