package io.x402j.core.wire;

import io.x402j.core.wire.MalformedMessageException.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code POST /verify} and {@code POST /settle}: a payment and the requirement it must
 * satisfy. The specification's VerifyRequest and SettleRequest have the same shape, so one type
 * serves both; {@link VerifyRequest} is the v2 form and {@link VerifyRequestV1} the v1 form.
 */
public sealed interface FacilitatorRequest permits VerifyRequest, VerifyRequestV1 {
  /**
   * The top-level field in which an x402j resource server names its settlement attempt. One
   * authorization releases one response: a facilitator that knows the field answers a second {@code
   * /settle} of a payment with the same outcome only when it carries the same id, and with {@code
   * duplicate_settlement} otherwise (or when it has none). A server whose answer was lost sends the
   * same id again to learn the outcome of its own attempt. Other facilitators ignore the field.
   */
  String SETTLEMENT_ID = "x402jSettlementId";

  /** Fields this version of x402j does not model, kept as they came. */
  Map<String, Object> additionalFields();

  /** The protocol version of the payment. */
  int x402Version();

  /** The scheme of the payment, e.g. {@code exact}. */
  String scheme();

  /**
   * The settlement attempt this request belongs to ({@link #SETTLEMENT_ID}), if it names one.
   *
   * @throws MalformedMessageException when the field is present but not 16 to 128 ASCII letters,
   *     digits, {@code -} or {@code _}
   */
  default Optional<String> settlementId() {
    Object value = additionalFields().get(SETTLEMENT_ID);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String id) || !isSettlementId(id)) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          SETTLEMENT_ID,
          SETTLEMENT_ID + " must be 16 to 128 ASCII letters, digits, '-' or '_'");
    }
    return Optional.of(id);
  }

  /** This request naming the settlement attempt {@code id}. */
  default FacilitatorRequest withSettlementId(String id) {
    if (!isSettlementId(id)) {
      throw new IllegalArgumentException(
          "a settlement id must be 16 to 128 ASCII letters, digits, '-' or '_'");
    }
    Map<String, Object> fields = new LinkedHashMap<>(additionalFields());
    fields.put(SETTLEMENT_ID, id);
    return withAdditionalFields(fields);
  }

  /** This request without a settlement attempt, as the specification shapes it. */
  default FacilitatorRequest withoutSettlementId() {
    if (!additionalFields().containsKey(SETTLEMENT_ID)) {
      return this;
    }
    Map<String, Object> fields = new LinkedHashMap<>(additionalFields());
    fields.remove(SETTLEMENT_ID);
    return withAdditionalFields(fields);
  }

  private FacilitatorRequest withAdditionalFields(Map<String, Object> fields) {
    if (this instanceof VerifyRequest v2) {
      return new VerifyRequest(v2.paymentPayload(), v2.paymentRequirements(), fields);
    }
    VerifyRequestV1 v1 = (VerifyRequestV1) this;
    return new VerifyRequestV1(v1.paymentPayload(), v1.paymentRequirements(), fields);
  }

  /** Whether {@code id} is a well-formed settlement id. */
  static boolean isSettlementId(String id) {
    if (id == null || id.length() < 16 || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The v2 request for {@code payload} against {@code requirements}. */
  static VerifyRequest of(PaymentPayload payload, PaymentRequirements requirements) {
    return new VerifyRequest(payload, requirements, Map.of());
  }

  /** The v1 request for {@code payload} against {@code requirements}. */
  static VerifyRequestV1 of(PaymentPayloadV1 payload, PaymentRequirementsV1 requirements) {
    return new VerifyRequestV1(payload, requirements, Map.of());
  }
}
