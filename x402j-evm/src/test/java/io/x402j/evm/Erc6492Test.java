package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Erc6492Test {
  static final EvmAddress FACTORY = EvmAddress.parse("0x1111111111111111111111111111111111111111");

  @Test
  void wrapAndUnwrapRoundTrip() {
    byte[] calldata = new byte[37];
    Arrays.fill(calldata, (byte) 7);
    byte[] inner = new byte[65];
    Arrays.fill(inner, (byte) 9);
    byte[] wrapped = Erc6492.wrap(FACTORY, calldata, inner);
    assertThat(Erc6492.isWrapped(wrapped)).isTrue();
    assertThat(Erc6492.isWrapped(inner)).isFalse();
    Erc6492.Wrapped w = Erc6492.unwrap(wrapped);
    assertThat(w.factory()).isEqualTo(FACTORY);
    assertThat(w.factoryCalldata()).isEqualTo(calldata);
    assertThat(w.signature()).isEqualTo(inner);
  }

  @Test
  void malformedWrappersAreRefused() {
    byte[] wrapped = Erc6492.wrap(FACTORY, new byte[3], new byte[65]);
    byte[] dirtyAddress = wrapped.clone();
    dirtyAddress[0] = 1;
    assertThatThrownBy(() -> Erc6492.unwrap(dirtyAddress)).hasMessageContaining("factory");
    byte[] longLength = wrapped.clone();
    longLength[3 * 32 + 31] = 100; // factoryCalldata length beyond the data
    assertThatThrownBy(() -> Erc6492.unwrap(longLength))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] dirtyPadding = wrapped.clone();
    dirtyPadding[4 * 32 + 5] = 1;
    assertThatThrownBy(() -> Erc6492.unwrap(dirtyPadding)).hasMessageContaining("padding");
    assertThatThrownBy(() -> Erc6492.unwrap(new byte[65])).hasMessageContaining("magic");
    byte[] trailing = new byte[wrapped.length + 32];
    System.arraycopy(wrapped, 0, trailing, 0, wrapped.length - 32);
    System.arraycopy(wrapped, wrapped.length - 32, trailing, wrapped.length, 32);
    assertThatThrownBy(() -> Erc6492.unwrap(trailing)).hasMessageContaining("left over");
  }
}
