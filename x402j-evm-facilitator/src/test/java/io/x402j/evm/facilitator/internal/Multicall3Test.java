package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import java.util.List;
import org.junit.jupiter.api.Test;

class Multicall3Test {
  private static final EvmAddress A =
      EvmAddress.parse("0x00000000000000000000000000000000000000aa");
  private static final EvmAddress B =
      EvmAddress.parse("0x00000000000000000000000000000000000000bb");

  @Test
  void aggregate3EncodesAnArrayOfTuplesWithDynamicBytes() {
    byte[] data =
        Multicall3.aggregate3(
            List.of(
                new Multicall3.Call(A, true, Hex.decode("0x01")),
                new Multicall3.Call(B, false, new byte[0])));
    String expected =
        "0x82ad56cb"
            // offset of the array, its length, the two tuple offsets (from after the length)
            + word(0x20)
            + word(2)
            + word(0x40)
            + word(0x40 + 0xa0)
            // (A, true, offset 0x60, length 1, 0x01 padded)
            + "00".repeat(12)
            + "00".repeat(19)
            + "aa"
            + word(1)
            + word(0x60)
            + word(1)
            + "01"
            + "00".repeat(31)
            // (B, false, offset 0x60, length 0)
            + "00".repeat(31)
            + "bb"
            + word(0)
            + word(0x60)
            + word(0);
    assertThat(Hex.encode(data)).isEqualTo(expected);
    assertThat(Hex.encode(Abi.selector("aggregate3((address,bool,bytes)[])")))
        .isEqualTo("0x82ad56cb");
  }

  @Test
  void decodeReadsEachCallsSuccessAndData() {
    String answer =
        "0x"
            + word(0x20)
            + word(2)
            + word(0x40)
            + word(0x40 + 0x80)
            + word(1)
            + word(0x40)
            + word(4)
            + "1626ba7e"
            + "00".repeat(28)
            + word(0)
            + word(0x40)
            + word(0);
    List<Multicall3.Result> results = Multicall3.decode(Hex.decode(answer), 2);
    assertThat(results.get(0).success()).isTrue();
    assertThat(Hex.encode(results.get(0).data())).isEqualTo("0x1626ba7e");
    assertThat(results.get(1).success()).isFalse();
    assertThat(results.get(1).data()).isEmpty();
  }

  @Test
  void anEmptyAnswerOrTheWrongCountIsRefused() {
    assertThatThrownBy(() -> Multicall3.decode(new byte[0], 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("results offset");
    assertThatThrownBy(() -> Multicall3.decode(Hex.decode("0x" + word(0x20) + word(1)), 3))
        .hasMessageContaining("1 results for 3 calls");
  }

  private static String word(long value) {
    return String.format("%064x", value);
  }
}
