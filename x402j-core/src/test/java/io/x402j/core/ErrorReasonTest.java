package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorReasonTest {
  @Test
  void wireStringsAreUniqueAndRoundTrip() {
    for (ErrorReason reason : ErrorReason.values()) {
      assertThat(ErrorReason.fromWire(reason.wire())).hasValue(reason);
      assertThat(reason.wire()).matches("[a-z0-9_]+");
      assertThat(reason.description()).isNotBlank();
    }
    assertThat(Arrays.stream(ErrorReason.values()).map(ErrorReason::wire).distinct())
        .hasSize(ErrorReason.values().length);
    assertThat(ErrorReason.fromWire("not_a_reason")).isEmpty();
    assertThat(ErrorReason.fromWire(null)).isEmpty();
  }

  @Test
  void coversTheReasonsOfTheProtocolNotes() {
    List<String> required =
        List.of(
            "invalid_exact_evm_scheme",
            "invalid_exact_evm_network_mismatch",
            "invalid_exact_evm_missing_eip712_domain",
            "asset_not_deployed_contract",
            "invalid_exact_evm_signature",
            "invalid_exact_evm_recipient_mismatch",
            "invalid_exact_evm_payload_authorization_valid_before",
            "invalid_exact_evm_payload_authorization_valid_after",
            "invalid_exact_evm_payload_authorization_value_mismatch",
            "invalid_exact_evm_eip3009_not_supported",
            "invalid_exact_evm_nonce_already_used",
            "invalid_exact_evm_token_name_mismatch",
            "invalid_exact_evm_token_version_mismatch",
            "invalid_exact_evm_insufficient_balance",
            "invalid_exact_evm_transaction_simulation_failed",
            "invalid_exact_evm_transfer_event_mismatch",
            "invalid_exact_evm_transaction_failed",
            "invalid_payload",
            "invalid_payment_requirements",
            "unsupported_scheme",
            "invalid_network",
            "invalid_x402_version",
            "unexpected_verify_error",
            "unexpected_settle_error",
            "settlement_pending",
            "insufficient_funds",
            "invalid_scheme",
            "invalid_transaction_state");
    for (String wire : required) {
      assertThat(ErrorReason.fromWire(wire)).as(wire).isPresent();
    }
  }
}
