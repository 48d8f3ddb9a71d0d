package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AbiTest {
  @Test
  void selectorsAreTheWellKnownOnes() {
    assertThat(Hex.encode(Abi.selector("balanceOf(address)"))).isEqualTo("0x70a08231");
    assertThat(Hex.encode(Abi.selector("transfer(address,uint256)"))).isEqualTo("0xa9059cbb");
    assertThat(Hex.encode(Eip3009Calls.ERC1271_MAGIC)).isEqualTo("0x1626ba7e");
    assertThat(Eip3009Calls.TRANSFER_TOPIC)
        .isEqualTo("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  }

  @Test
  void encodesStaticAndDynamicArguments() {
    byte[] encoded =
        Abi.call("f(address,bytes,uint256,string)")
            .address(EvmAddress.parse("0x0000000000000000000000000000000000000001"))
            .bytes(new byte[] {1, 2, 3})
            .uint(BigInteger.valueOf(42))
            .string("hi")
            .encode();
    String hex = Hex.encode(encoded).substring(10); // after the selector
    String[] words = hex.split("(?<=\\G.{64})");
    assertThat(words[0]).endsWith("01");
    assertThat(new BigInteger(words[1], 16)).isEqualTo(BigInteger.valueOf(0x80)); // bytes offset
    assertThat(new BigInteger(words[2], 16)).isEqualTo(BigInteger.valueOf(42));
    assertThat(new BigInteger(words[3], 16)).isEqualTo(BigInteger.valueOf(0xc0)); // string offset
    assertThat(new BigInteger(words[4], 16)).isEqualTo(BigInteger.valueOf(3)); // bytes length
    assertThat(words[5]).startsWith("010203");
    assertThat(new BigInteger(words[6], 16)).isEqualTo(BigInteger.valueOf(2)); // string length
    assertThat(words[7]).startsWith("6869");
  }

  @Test
  void decodesStringsAndRevertReasons() {
    byte[] returned = Abi.arguments().string("USD Coin").encode();
    assertThat(Abi.decodeString(returned, 0)).isEqualTo("USD Coin");

    byte[] revert = Hex.decode(Hex.encode(Abi.call("Error(string)").string("no way").encode()));
    assertThat(Abi.revertReason(revert)).isEqualTo("no way");
    assertThat(Abi.revertReason(new byte[] {1, 2, 3})).isNull();
  }
}
