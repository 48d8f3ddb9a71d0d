package io.x402j.core.wire;

import io.x402j.core.internal.Checks;
import io.x402j.core.support.JsonValues;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a resource server asks for (protocol v2), sent base64-encoded in the {@code
 * PAYMENT-REQUIRED} header of a 402.
 *
 * @param error why payment is required (e.g. why a previous payment was refused), or {@code null}
 * @param resource the resource being sold
 * @param accepts the ways to pay, at least one
 * @param extensions protocol extensions offered, or {@code null} when absent
 * @param additionalFields fields this version of x402j does not model
 */
public record PaymentRequired(
    String error,
    ResourceInfo resource,
    List<PaymentRequirements> accepts,
    Map<String, Object> extensions,
    Map<String, Object> additionalFields) {

  /** The protocol version of this message type. */
  public static final int X402_VERSION = 2;

  static final Set<String> FIELDS =
      Set.of("x402Version", "error", "resource", "accepts", "extensions");

  /** Validates the fields and makes immutable copies. */
  public PaymentRequired {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(accepts, "accepts");
    accepts = List.copyOf(accepts);
    if (accepts.isEmpty()) {
      throw new IllegalArgumentException("accepts must list at least one payment requirement");
    }
    extensions = JsonValues.canonicalObject(extensions, "extensions");
    additionalFields = Checks.additionalFields(additionalFields, FIELDS, "PaymentRequired");
  }

  /** A 402 for {@code resource} accepting the given requirements. */
  public static PaymentRequired of(
      String error, ResourceInfo resource, List<PaymentRequirements> accepts) {
    return new PaymentRequired(error, resource, accepts, null, Map.of());
  }

  /** Always {@value #X402_VERSION}. */
  public int x402Version() {
    return X402_VERSION;
  }
}
