package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.x402j.core.ErrorReason;
import io.x402j.evm.rpc.RpcError;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The parts of a diagnosis that need no chain: what a node said of a simulation, and a balance
 * committed elsewhere. The diagnoses that read the chain run against anvil in {@code ExactEvmIT}.
 */
class SimulationDiagnosisTest {
  @Test
  void aRevertWithAReasonIsToldByTheTokensReason() {
    RpcError reverted =
        new RpcError(
            3,
            "execution reverted: FiatTokenV2: invalid signature",
            JsonNodeFactory.instance.textNode(errorString("FiatTokenV2: invalid signature")));

    assertThat(SimulationDiagnosis.revertMessage(reverted))
        .isEqualTo("simulation reverted: FiatTokenV2: invalid signature");
  }

  @Test
  void aFailureWithoutReasonIsToldByTheNodesMessage() {
    assertThat(SimulationDiagnosis.revertMessage(new RpcError(-32000, "out of gas", null)))
        .isEqualTo("out of gas");
    assertThat(SimulationDiagnosis.revertMessage(null)).isNull();
  }

  @Test
  void aBalanceCommittedToSettlementsInFlightIsAnInsufficientBalance() {
    SimulationDiagnosis shortfall =
        SimulationDiagnosis.shortfall(
            BigInteger.valueOf(100), BigInteger.valueOf(60), BigInteger.valueOf(50));

    assertThat(shortfall.reason()).isEqualTo(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE);
    assertThat(shortfall.message())
        .isEqualTo(
            "the payer holds 100, of which 60 is committed to settlements in flight;"
                + " the payment is 50");
  }

  /** ABI encoding of {@code Error(string)}, as a token's {@code require} reverts. */
  private static String errorString(String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int padded = (text.length + 31) / 32 * 32;
    byte[] data = new byte[4 + 32 + 32 + padded];
    byte[] selector = HexFormat.of().parseHex("08c379a0");
    System.arraycopy(selector, 0, data, 0, 4);
    data[4 + 31] = 0x20;
    data[4 + 32 + 31] = (byte) text.length;
    System.arraycopy(text, 0, data, 4 + 64, text.length);
    return "0x" + HexFormat.of().formatHex(data);
  }
}
