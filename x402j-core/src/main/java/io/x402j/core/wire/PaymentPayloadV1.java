package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A signed payment in protocol v1, sent base64-encoded in the {@code X-PAYMENT} header. Unlike v2
 * it does not echo the requirement; the server matches it by scheme and network.
 *
 * @param scheme the payment scheme
 * @param network the v1 network name
 * @param payload the scheme-specific proof of payment
 * @param additionalFields fields this version of x402j does not model
 */
public record PaymentPayloadV1(
    String scheme,
    String network,
    Map<String, Object> payload,
    Map<String, Object> additionalFields) {

  /** The protocol version of this message type. */
  public static final int X402_VERSION = 1;

  static final Set<String> FIELDS = Set.of("x402Version", "scheme", "network", "payload");

  /** Validates the fields and makes immutable copies. */
  public PaymentPayloadV1 {
    Checks.nonEmpty(scheme, "scheme");
    Checks.nonEmpty(network, "network");
    payload = JsonValues.canonicalObject(Objects.requireNonNull(payload, "payload"), "payload");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentPayloadV1");
  }

  /** A v1 payment. */
  public static PaymentPayloadV1 of(String scheme, String network, Map<String, ?> payload) {
    return new PaymentPayloadV1(
        scheme, network, JsonValues.canonicalObject(payload, "payload"), Map.of());
  }

  /** Always {@value #X402_VERSION}. */
  public int x402Version() {
    return X402_VERSION;
  }
}
