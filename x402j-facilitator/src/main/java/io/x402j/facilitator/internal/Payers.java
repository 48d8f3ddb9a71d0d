package io.x402j.facilitator.internal;

import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.evm.EvmAddress;
import java.util.Map;

/**
 * Reads the payer from a payment without a scheme. Not part of the x402j API.
 *
 * <p>The text a client sent is never an identity: a payer is identified by its parsed address, so
 * that two spellings of one account (letter case, or digits from another script) are one payer.
 */
public final class Payers {
  private static final int ADDRESS_LENGTH = 42;

  private Payers() {}

  /**
   * The payer text of an EVM payload ({@code authorization.from} of EIP-3009, {@code
   * permit2Authorization.from} of Permit2 exact and upto) as sent, or {@code null}. For messages
   * only, quoted: never for identity.
   */
  public static String text(Map<String, Object> payload) {
    Object authorization = payload == null ? null : payload.get("authorization");
    if (authorization == null && payload != null) {
      authorization = payload.get("permit2Authorization");
    }
    if (authorization instanceof Map) {
      Object from = ((Map<?, ?>) authorization).get("from");
      return from instanceof String ? (String) from : null;
    }
    return null;
  }

  /**
   * The payer of an exact-scheme EVM payload as a parsed address, or {@code null} when it is
   * missing or not an address.
   */
  public static EvmAddress address(Map<String, Object> payload) {
    return parse(text(payload));
  }

  /** The payer of a facilitator request as a parsed address, or {@code null}. */
  public static EvmAddress address(FacilitatorRequest request) {
    return address(
        request instanceof VerifyRequest
            ? ((VerifyRequest) request).paymentPayload().payload()
            : ((VerifyRequestV1) request).paymentPayload().payload());
  }

  /** {@code text} parsed as an address, or {@code null} (cheaply for text of the wrong length). */
  public static EvmAddress parse(String text) {
    if (text == null || text.length() != ADDRESS_LENGTH) {
      return null;
    }
    try {
      return EvmAddress.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
