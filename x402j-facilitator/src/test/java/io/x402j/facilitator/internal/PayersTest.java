package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.EvmAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service finds the payer of EIP-3009 and Permit2 payloads alike (before, a Permit2 payment was
 * refused as {@code invalid_payload} "names no payer" without reaching the scheme).
 */
class PayersTest {
  static final String OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  @Test
  void thePayerOfAPermit2PayloadIsItsPermit2AuthorizationFrom() {
    Map<String, Object> payload =
        Map.of("signature", "0x00", "permit2Authorization", Map.of("from", OWNER));

    assertThat(Payers.text(payload)).isEqualTo(OWNER);
    assertThat(Payers.address(payload)).isEqualTo(EvmAddress.parse(OWNER));
  }

  @Test
  void thePayerOfAnEip3009PayloadIsItsAuthorizationFrom() {
    Map<String, Object> payload =
        Map.of("signature", "0x00", "authorization", Map.of("from", OWNER.toLowerCase()));

    assertThat(Payers.address(payload)).isEqualTo(EvmAddress.parse(OWNER));
  }

  @Test
  void aPayloadWithoutEitherNamesNoPayer() {
    assertThat(Payers.text(Map.of("signature", "0x00"))).isNull();
    assertThat(Payers.address(Map.of("permit2Authorization", Map.of("from", "0x12")))).isNull();
  }
}
