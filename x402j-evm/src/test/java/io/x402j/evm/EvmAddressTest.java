package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvmAddressTest {
  // The checksummed examples of EIP-55.
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
      })
  void checksumMatchesEip55(String checksummed) {
    assertThat(EvmAddress.parse(checksummed.toLowerCase()).toString()).isEqualTo(checksummed);
    assertThat(EvmAddress.parse("0x" + checksummed.substring(2).toUpperCase()))
        .isEqualTo(EvmAddress.parse(checksummed));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedff",
        "0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ""
      })
  void refusesNonAddressesAndBadChecksums(String text) {
    assertThatThrownBy(() -> EvmAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    assertThat(EvmAddress.isValid(text)).isFalse();
  }
}
