package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.ExactEvmPayload;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuthorizationCallTest {
  static final ExactEvmPayload PAYMENT =
      ExactEvmPayload.fromMap(CanonicalFormTest.signed("0x" + "0123456789abcdef".repeat(4)));

  @Test
  void aDirectCallWithThisAuthorizationCarriesIt() {
    byte[] input = Eip3009Calls.transferWithAuthorization(PAYMENT);
    var a = PAYMENT.authorization();

    assertThat(
            Eip3009Calls.carriesAuthorization(
                input, a.from(), a.to(), a.value().value(), a.nonce()))
        .isTrue();
  }

  @Test
  void anythingElseDoesNot() {
    byte[] input = Eip3009Calls.transferWithAuthorization(PAYMENT);
    var a = PAYMENT.authorization();
    byte[] otherSelector = input.clone();
    otherSelector[0] ^= 1; // a batching contract's function, say

    assertThat(
            Eip3009Calls.carriesAuthorization(
                otherSelector, a.from(), a.to(), a.value().value(), a.nonce()))
        .isFalse();
    assertThat(
            Eip3009Calls.carriesAuthorization(
                input, a.from(), a.to(), a.value().value(), Bytes32.parse("0x" + "11".repeat(32))))
        .as("another nonce")
        .isFalse();
    assertThat(
            Eip3009Calls.carriesAuthorization(input, a.from(), a.to(), BigInteger.ONE, a.nonce()))
        .as("another value")
        .isFalse();
    assertThat(
            Eip3009Calls.carriesAuthorization(
                Arrays.copyOf(input, 100), a.from(), a.to(), a.value().value(), a.nonce()))
        .as("cut short")
        .isFalse();
  }
}
