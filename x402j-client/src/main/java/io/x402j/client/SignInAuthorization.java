package io.x402j.client;

import java.util.Objects;

/**
 * A signed sign-in for one request: the header to send instead of a payment.
 *
 * @param headerName {@code SIGN-IN-WITH-X}
 * @param headerValue the base64 proof
 * @param address the wallet that signed in
 * @param chainId the CAIP-2 chain it signed for
 */
public record SignInAuthorization(
    String headerName, String headerValue, String address, String chainId) {
  /** Validates the fields. */
  public SignInAuthorization {
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(headerValue, "headerValue");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(chainId, "chainId");
  }

  @Override
  public String toString() {
    return "SignInAuthorization[" + address + " on " + chainId + "]";
  }
}
