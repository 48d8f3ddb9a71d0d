package io.x402j.core.wire;

import io.x402j.core.support.StrictJson;
import java.util.Map;

/**
 * Reads and writes the JSON of every x402 message, both protocol versions. Immutable and
 * thread-safe; share one instance.
 *
 * <p>Reading is strict: a document that is not a single JSON object, that repeats a key, nests
 * deeper than 64 levels, exceeds the length limit or lacks a required field is refused with a
 * {@link MalformedMessageException} naming the field and the problem. Unknown fields, {@code extra}
 * and {@code extensions} are kept and written back, so a message survives a round trip.
 *
 * <p>Writing puts fields in the order of the specification's examples, so a message decoded from
 * the specification re-encodes to the same bytes.
 *
 * <p>This class is the facade; {@link WireReader} does the reading and {@link WireWriter} the
 * writing, sharing one strict Jackson setup.
 */
public final class WireCodec {
  /** The default limit on a JSON document, in characters. */
  public static final int DEFAULT_MAX_LENGTH = 1024 * 1024;

  private static final WireCodec STANDARD = new WireCodec(DEFAULT_MAX_LENGTH);

  private final int maxLength;
  private final WireReader reader;
  private final WireWriter writer;

  private WireCodec(int maxLength) {
    if (maxLength < 64) {
      throw new IllegalArgumentException("maxLength must be at least 64, got " + maxLength);
    }
    this.maxLength = maxLength;
    StrictJson json = new StrictJson(maxLength);
    this.reader = new WireReader(maxLength, json);
    this.writer = new WireWriter(json);
  }

  /** A codec with the default 1 MiB document limit. */
  public static WireCodec standard() {
    return STANDARD;
  }

  /** A codec refusing documents longer than {@code maxLength} characters. */
  public static WireCodec withMaxLength(int maxLength) {
    return new WireCodec(maxLength);
  }

  /** The document limit in characters. */
  public int maxLength() {
    return maxLength;
  }

  /** Reads the {@code PaymentRequired} JSON of a v2 402. */
  public PaymentRequired decodePaymentRequired(String text) {
    return reader.decodePaymentRequired(text);
  }

  /** Reads the JSON body of a v1 402. */
  public PaymentRequiredV1 decodePaymentRequiredV1(String text) {
    return reader.decodePaymentRequiredV1(text);
  }

  /** Reads a v2 {@code PaymentPayload}. */
  public PaymentPayload decodePaymentPayload(String text) {
    return reader.decodePaymentPayload(text);
  }

  /** Reads a v1 payment payload. */
  public PaymentPayloadV1 decodePaymentPayloadV1(String text) {
    return reader.decodePaymentPayloadV1(text);
  }

  /** Reads v2 payment requirements. */
  public PaymentRequirements decodePaymentRequirements(String text) {
    return reader.decodePaymentRequirements(text);
  }

  /**
   * Reads the body of {@code POST /verify} or {@code POST /settle}, either protocol version. The
   * version comes from the top-level {@code x402Version}, or from {@code
   * paymentPayload.x402Version} when the top level omits it; the two must agree.
   */
  public FacilitatorRequest decodeFacilitatorRequest(String text) {
    return reader.decodeFacilitatorRequest(text);
  }

  /** Reads a {@code /verify} answer. */
  public VerifyResponse decodeVerifyResponse(String text) {
    return reader.decodeVerifyResponse(text);
  }

  /** Reads a {@code /settle} answer or a payment receipt. */
  public SettleResponse decodeSettleResponse(String text) {
    return reader.decodeSettleResponse(text);
  }

  /** Reads a {@code /supported} answer. */
  public SupportedResponse decodeSupportedResponse(String text) {
    return reader.decodeSupportedResponse(text);
  }

  /** Writes a v2 {@code PaymentRequired} as JSON. */
  public String toJson(PaymentRequired message) {
    return writer.toJson(message);
  }

  /** Writes a v1 402 body as JSON. */
  public String toJson(PaymentRequiredV1 message) {
    return writer.toJson(message);
  }

  /** Writes a v2 {@code PaymentPayload} as JSON. */
  public String toJson(PaymentPayload message) {
    return writer.toJson(message);
  }

  /** Writes a v1 payment payload as JSON. */
  public String toJson(PaymentPayloadV1 message) {
    return writer.toJson(message);
  }

  /** Writes v2 payment requirements as JSON. */
  public String toJson(PaymentRequirements message) {
    return writer.toJson(message);
  }

  /** Writes v1 payment requirements as JSON. */
  public String toJson(PaymentRequirementsV1 message) {
    return writer.toJson(message);
  }

  /** Writes the body of {@code /verify} or {@code /settle}. */
  public String toJson(FacilitatorRequest message) {
    return writer.toJson(message);
  }

  /** Writes a {@code /verify} answer. */
  public String toJson(VerifyResponse message) {
    return writer.toJson(message);
  }

  /** Writes a {@code /settle} answer or receipt. */
  public String toJson(SettleResponse message) {
    return writer.toJson(message);
  }

  /** Writes a {@code /supported} answer. */
  public String toJson(SupportedResponse message) {
    return writer.toJson(message);
  }

  /** Writes any free-form JSON value held in canonical form (maps, lists, strings, numbers). */
  public String toJson(Map<String, ?> object) {
    return writer.toJson(object);
  }
}
