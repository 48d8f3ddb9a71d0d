package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON body of a protocol v1 402: why payment is required and the ways to pay.
 *
 * @param error why payment is required, or {@code null}
 * @param accepts the ways to pay, at least one
 * @param additionalFields fields this version of x402j does not model
 */
public record PaymentRequiredV1(
    String error, List<PaymentRequirementsV1> accepts, Map<String, Object> additionalFields) {

  /** The protocol version of this message type. */
  public static final int X402_VERSION = 1;

  static final Set<String> FIELDS = Set.of("x402Version", "error", "accepts");

  /** Validates the fields and makes immutable copies. */
  public PaymentRequiredV1 {
    accepts = List.copyOf(Objects.requireNonNull(accepts, "accepts"));
    if (accepts.isEmpty()) {
      throw new IllegalArgumentException("accepts must list at least one payment requirement");
    }
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentRequiredV1");
  }

  /** A v1 402 body. */
  public static PaymentRequiredV1 of(String error, List<PaymentRequirementsV1> accepts) {
    return new PaymentRequiredV1(error, accepts, Map.of());
  }

  /** Always {@value #X402_VERSION}. */
  public int x402Version() {
    return X402_VERSION;
  }
}
