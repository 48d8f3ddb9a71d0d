package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Erc6492SignatureTest {
  private static final EvmAddress FACTORY =
      EvmAddress.parse("0x1111111111111111111111111111111111111111");
  private static final byte[] CALLDATA = Hex.decode("0xdeadbeef01");
  private static final byte[] INNER = new byte[65];

  static {
    Arrays.fill(INNER, (byte) 7);
  }

  @Test
  void aPlainSignatureIsNoWrapper() {
    assertThat(Erc6492Signature.parse(INNER)).isEmpty();
  }

  @Test
  void aWrappedSignatureYieldsFactoryCalldataAndInnerSignature() {
    byte[] wrapped = Erc6492Signature.wrap(FACTORY, CALLDATA, INNER);
    assertThat(Eip3009Calls.isErc6492(wrapped)).isTrue();
    Erc6492Signature parsed = Erc6492Signature.parse(wrapped).orElseThrow();
    assertThat(parsed.factory()).isEqualTo(FACTORY);
    assertThat(parsed.factoryCalldata()).isEqualTo(CALLDATA);
    assertThat(parsed.inner()).isEqualTo(INNER);
  }

  @Test
  void aWrapperWithTooFewFieldsIsRefusedNamingWhy() {
    byte[] shortOne = new byte[64 + 32];
    System.arraycopy(Eip3009Calls.ERC6492_SUFFIX, 0, shortOne, 64, 32);
    assertThatThrownBy(() -> Erc6492Signature.parse(shortOne))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not abi.encode(address,bytes,bytes)");
  }

  @Test
  void offsetsAndLengthsOutsideTheDataAreRefused() {
    byte[] body =
        Abi.arguments()
            .address(FACTORY)
            .uint(BigInteger.valueOf(1_000_000))
            .uint(BigInteger.valueOf(96))
            .uint(BigInteger.ONE)
            .encode();
    assertThatThrownBy(() -> Erc6492Signature.parse(suffixed(body)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad offset");
    byte[] longLength =
        Abi.arguments()
            .address(FACTORY)
            .uint(BigInteger.valueOf(96))
            .uint(BigInteger.valueOf(96))
            .uint(BigInteger.valueOf(64))
            .encode();
    assertThatThrownBy(() -> Erc6492Signature.parse(suffixed(longLength)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of bounds");
  }

  @Test
  void theZeroFactoryOrEmptyCalldataIsRefused() {
    assertThatThrownBy(
            () -> Erc6492Signature.parse(Erc6492Signature.wrap(EvmAddress.ZERO, CALLDATA, INNER)))
        .hasMessageContaining("names no factory");
    assertThatThrownBy(
            () -> Erc6492Signature.parse(Erc6492Signature.wrap(FACTORY, new byte[0], INNER)))
        .hasMessageContaining("names no factory");
  }

  @Test
  void aFactoryWordWiderThanAnAddressIsRefused() {
    byte[] wrapped = Erc6492Signature.wrap(FACTORY, CALLDATA, INNER);
    wrapped[0] = 1;
    assertThatThrownBy(() -> Erc6492Signature.parse(wrapped))
        .hasMessageContaining("not an address");
  }

  private static byte[] suffixed(byte[] body) {
    byte[] out = Arrays.copyOf(body, body.length + 32);
    System.arraycopy(Eip3009Calls.ERC6492_SUFFIX, 0, out, body.length, 32);
    return out;
  }
}
