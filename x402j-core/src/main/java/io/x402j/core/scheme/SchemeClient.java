package io.x402j.core.scheme;

import io.x402j.core.wire.PaymentRequirements;
import java.util.Map;

/**
 * The paying side of a payment scheme: turns the requirement a client chose into the
 * scheme-specific {@code payload} of a payment (for exact/EVM, an EIP-3009 authorization and its
 * signature). Implementations hold the payer's key and are thread-safe.
 *
 * <p>Protocol v1 requirements reach the scheme translated to the v2 form (CAIP-2 network, {@code
 * amount}); {@code x402Version} tells the scheme which protocol the server speaks.
 */
public interface SchemeClient {
  /** The scheme implemented, e.g. {@code exact}. */
  String scheme();

  /**
   * Creates the payload paying {@code requirements}.
   *
   * @param x402Version the protocol version of the server, 1 or 2
   * @return the scheme-specific payload object
   * @throws IllegalArgumentException if the requirement cannot be paid by this scheme (missing
   *     EIP-712 domain, a network it cannot sign for, …); the message says which
   */
  Map<String, Object> createPayload(int x402Version, PaymentRequirements requirements);

  /**
   * Creates the payment for {@code requirements}: its payload and any payment-level extensions the
   * scheme adds in answer to those the server declared. The default is {@link #createPayload} with
   * no extensions.
   *
   * @param x402Version the protocol version of the server, 1 or 2
   * @param declaredExtensions the {@code extensions} of the server's 402 (v2), or an empty map
   * @throws IllegalArgumentException as {@link #createPayload}
   */
  default SchemePayment createPayment(
      int x402Version, PaymentRequirements requirements, Map<String, Object> declaredExtensions) {
    return SchemePayment.of(createPayload(x402Version, requirements));
  }
}
