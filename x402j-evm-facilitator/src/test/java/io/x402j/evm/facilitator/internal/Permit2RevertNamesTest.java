package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.ErrorReason;
import org.junit.jupiter.api.Test;

/** The proxy's and Permit2's custom errors map to the official reasons, as @x402/evm maps them. */
class Permit2RevertNamesTest {
  @Test
  void customErrorsMapToTheOfficialReasons() {
    assertThat(Permit2Engine.reasonOf("InvalidAmount"))
        .hasValue(ErrorReason.PERMIT2_INVALID_AMOUNT);
    assertThat(Permit2Engine.reasonOf("InvalidDestination"))
        .hasValue(ErrorReason.PERMIT2_INVALID_DESTINATION);
    assertThat(Permit2Engine.reasonOf("InvalidOwner")).hasValue(ErrorReason.PERMIT2_INVALID_OWNER);
    assertThat(Permit2Engine.reasonOf("InvalidNonce")).hasValue(ErrorReason.PERMIT2_INVALID_NONCE);
    assertThat(Permit2Engine.reasonOf("PaymentTooEarly"))
        .hasValue(ErrorReason.PERMIT2_PAYMENT_TOO_EARLY);
    assertThat(Permit2Engine.reasonOf("InvalidSignature"))
        .hasValue(ErrorReason.PERMIT2_INVALID_SIGNATURE);
    assertThat(Permit2Engine.reasonOf("SignatureExpired"))
        .hasValue(ErrorReason.PERMIT2_INVALID_SIGNATURE);
    assertThat(Permit2Engine.reasonOf("AmountExceedsPermitted"))
        .hasValue(ErrorReason.UPTO_AMOUNT_EXCEEDS_PERMITTED);
    assertThat(Permit2Engine.reasonOf("UnauthorizedFacilitator"))
        .hasValue(ErrorReason.UPTO_UNAUTHORIZED_FACILITATOR);
    assertThat(Permit2Engine.reasonOf("SomethingElse")).isEmpty();
  }
}
