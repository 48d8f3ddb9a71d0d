package io.x402j.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.internal.JsonFields;
import io.x402j.core.internal.JsonValues;
import io.x402j.core.internal.StrictJson;
import io.x402j.core.wire.MalformedMessageException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
 */
public final class WireCodec {
  /** The default limit on a JSON document, in characters. */
  public static final int DEFAULT_MAX_LENGTH = 1024 * 1024;

  private static final WireCodec STANDARD = new WireCodec(DEFAULT_MAX_LENGTH);

  private final int maxLength;
  private final StrictJson json;

  private WireCodec(int maxLength) {
    if (maxLength < 64) {
      throw new IllegalArgumentException("maxLength must be at least 64, got " + maxLength);
    }
    this.maxLength = maxLength;
    this.json = new StrictJson(maxLength);
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

  // ---------------------------------------------------------------------------------- reading

  private <T> T read(String text, String what, Function<JsonFields, T> reader) {
    if (text == null) {
      throw new MalformedMessageException(Kind.NOT_JSON, "", what + " is missing");
    }
    if (text.length() > maxLength) {
      throw new MalformedMessageException(
          Kind.TOO_LARGE,
          "",
          what + " is " + text.length() + " characters; the limit is " + maxLength);
    }
    JsonNode root;
    try {
      root = json.parse(text);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, "", what + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedMessageException(
          Kind.NOT_JSON, "", what + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new MalformedMessageException(Kind.NOT_JSON, "", what + " is empty");
    }
    try {
      return reader.apply(JsonFields.of(root, ""));
    } catch (MalformedMessageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // A record constructor refused a value the field reader let through.
      throw new MalformedMessageException(Kind.INVALID_VALUE, "", what + ": " + e.getMessage());
    }
  }

  /** Reads the {@code PaymentRequired} JSON of a v2 402. */
  public PaymentRequired decodePaymentRequired(String text) {
    return read(text, "PaymentRequired", WireCodec::paymentRequired);
  }

  /** Reads the JSON body of a v1 402. */
  public PaymentRequiredV1 decodePaymentRequiredV1(String text) {
    return read(text, "v1 402 body", WireCodec::paymentRequiredV1);
  }

  /** Reads a v2 {@code PaymentPayload}. */
  public PaymentPayload decodePaymentPayload(String text) {
    return read(text, "PaymentPayload", f -> paymentPayload(f, "PaymentPayload"));
  }

  /** Reads a v1 payment payload. */
  public PaymentPayloadV1 decodePaymentPayloadV1(String text) {
    return read(text, "v1 PaymentPayload", f -> paymentPayloadV1(f, "v1 PaymentPayload"));
  }

  /** Reads v2 payment requirements. */
  public PaymentRequirements decodePaymentRequirements(String text) {
    return read(text, "PaymentRequirements", WireCodec::requirements);
  }

  /**
   * Reads the body of {@code POST /verify} or {@code POST /settle}, either protocol version. The
   * version comes from the top-level {@code x402Version}, or from {@code
   * paymentPayload.x402Version} when the top level omits it; the two must agree.
   */
  public FacilitatorRequest decodeFacilitatorRequest(String text) {
    return read(text, "facilitator request", WireCodec::facilitatorRequest);
  }

  /** Reads a {@code /verify} answer. */
  public VerifyResponse decodeVerifyResponse(String text) {
    return read(text, "VerifyResponse", WireCodec::verifyResponse);
  }

  /** Reads a {@code /settle} answer or a payment receipt. */
  public SettleResponse decodeSettleResponse(String text) {
    return read(text, "SettleResponse", WireCodec::settleResponse);
  }

  /** Reads a {@code /supported} answer. */
  public SupportedResponse decodeSupportedResponse(String text) {
    return read(text, "SupportedResponse", WireCodec::supportedResponse);
  }

  private static PaymentRequired paymentRequired(JsonFields f) {
    f.requireVersion("x402Version", "PaymentRequired", PaymentRequired.X402_VERSION);
    String error = f.optionalString("error");
    ResourceInfo resource = resource(f.requireObject("resource"));
    List<PaymentRequirements> accepts = new ArrayList<>();
    for (JsonFields.Element element : nonEmptyArray(f, "accepts")) {
      accepts.add(requirements(element.object()));
    }
    Map<String, Object> extensions = f.optionalMap("extensions");
    return new PaymentRequired(error, resource, accepts, extensions, f.remaining());
  }

  private static List<JsonFields.Element> nonEmptyArray(JsonFields f, String name) {
    List<JsonFields.Element> elements = f.requireArray(name);
    if (elements.isEmpty()) {
      throw new MalformedMessageException(
          Kind.INVALID_VALUE,
          f.pathOf(name),
          f.pathOf(name) + " must list at least one payment requirement");
    }
    return elements;
  }

  private static ResourceInfo resource(JsonFields f) {
    String url = f.requireNonEmptyString("url");
    String description = f.optionalString("description");
    String mimeType = f.optionalString("mimeType");
    return new ResourceInfo(url, description, mimeType, f.remaining());
  }

  private static PaymentRequirements requirements(JsonFields f) {
    String scheme = f.requireNonEmptyString("scheme");
    var network = f.requireNetwork("network");
    var amount = f.requireAmount("amount");
    String asset = f.requireNonEmptyString("asset");
    String payTo = f.requireNonEmptyString("payTo");
    int maxTimeoutSeconds = f.requirePositiveInt("maxTimeoutSeconds");
    Map<String, Object> extra = f.optionalMap("extra");
    return new PaymentRequirements(
        scheme, network, amount, asset, payTo, maxTimeoutSeconds, extra, f.remaining());
  }

  private static PaymentPayload paymentPayload(JsonFields f, String what) {
    f.requireVersion("x402Version", what, PaymentPayload.X402_VERSION);
    return paymentPayloadBody(f);
  }

  private static PaymentRequiredV1 paymentRequiredV1(JsonFields f) {
    f.requireVersion("x402Version", "v1 402 body", PaymentRequiredV1.X402_VERSION);
    String error = f.optionalString("error");
    List<PaymentRequirementsV1> accepts = new ArrayList<>();
    for (JsonFields.Element element : nonEmptyArray(f, "accepts")) {
      accepts.add(requirementsV1(element.object()));
    }
    return new PaymentRequiredV1(error, accepts, f.remaining());
  }

  private static PaymentRequirementsV1 requirementsV1(JsonFields f) {
    String scheme = f.requireNonEmptyString("scheme");
    String network = f.requireNonEmptyString("network");
    var maxAmountRequired = f.requireAmount("maxAmountRequired");
    String resource = f.requireNonEmptyString("resource");
    String description = f.has("description") ? f.requireString("description") : "";
    String mimeType = f.optionalString("mimeType");
    Map<String, Object> outputSchema = f.optionalMap("outputSchema");
    String payTo = f.requireNonEmptyString("payTo");
    int maxTimeoutSeconds = f.requirePositiveInt("maxTimeoutSeconds");
    String asset = f.requireNonEmptyString("asset");
    Map<String, Object> extra = f.optionalMap("extra");
    return new PaymentRequirementsV1(
        scheme,
        network,
        maxAmountRequired,
        resource,
        description,
        mimeType,
        outputSchema,
        payTo,
        maxTimeoutSeconds,
        asset,
        extra,
        f.remaining());
  }

  private static PaymentPayloadV1 paymentPayloadV1(JsonFields f, String what) {
    f.requireVersion("x402Version", what, PaymentPayloadV1.X402_VERSION);
    return paymentPayloadV1Body(f);
  }

  private static FacilitatorRequest facilitatorRequest(JsonFields f) {
    JsonFields payloadFields = f.requireObject("paymentPayload");
    int payloadVersion = payloadFields.requireVersion("x402Version", "paymentPayload", 1, 2);
    if (f.has("x402Version")) {
      int topVersion = f.requireVersion("x402Version", "facilitator request", 1, 2);
      if (topVersion != payloadVersion) {
        throw new MalformedMessageException(
            Kind.INVALID_VALUE,
            "x402Version",
            "x402Version "
                + topVersion
                + " does not match paymentPayload.x402Version "
                + payloadVersion);
      }
    }
    if (payloadVersion == 2) {
      PaymentPayload payload = paymentPayloadBody(payloadFields);
      PaymentRequirements requirements = requirements(f.requireObject("paymentRequirements"));
      VerifyRequest request = new VerifyRequest(payload, requirements, f.remaining());
      request.settlementId(); // refuses a malformed one here, with the field's name
      return request;
    }
    PaymentPayloadV1 payload = paymentPayloadV1Body(payloadFields);
    PaymentRequirementsV1 requirements = requirementsV1(f.requireObject("paymentRequirements"));
    VerifyRequestV1 request = new VerifyRequestV1(payload, requirements, f.remaining());
    request.settlementId();
    return request;
  }

  // Callers have read and checked x402Version already.
  private static PaymentPayload paymentPayloadBody(JsonFields f) {
    JsonFields resourceFields = f.optionalObject("resource");
    ResourceInfo resource = resourceFields == null ? null : resource(resourceFields);
    PaymentRequirements accepted = requirements(f.requireObject("accepted"));
    Map<String, Object> payload = f.requireMap("payload");
    Map<String, Object> extensions = f.optionalMap("extensions");
    return new PaymentPayload(resource, accepted, payload, extensions, f.remaining());
  }

  private static PaymentPayloadV1 paymentPayloadV1Body(JsonFields f) {
    String scheme = f.requireNonEmptyString("scheme");
    String network = f.requireNonEmptyString("network");
    Map<String, Object> payload = f.requireMap("payload");
    return new PaymentPayloadV1(scheme, network, payload, f.remaining());
  }

  private static VerifyResponse verifyResponse(JsonFields f) {
    boolean isValid = f.requireBoolean("isValid");
    String invalidReason = f.optionalString("invalidReason");
    String invalidMessage = f.optionalString("invalidMessage");
    String payer = f.optionalString("payer");
    Map<String, Object> extensions = f.optionalMap("extensions");
    return new VerifyResponse(
        isValid, invalidReason, invalidMessage, payer, extensions, f.remaining());
  }

  private static SettleResponse settleResponse(JsonFields f) {
    boolean success = f.requireBoolean("success");
    String errorReason = f.optionalString("errorReason");
    String errorMessage = f.optionalString("errorMessage");
    String transaction = f.requireString("transaction");
    String network = f.requireString("network");
    String payer = f.optionalString("payer");
    var amount = f.optionalAmount("amount");
    Map<String, Object> extensions = f.optionalMap("extensions");
    return new SettleResponse(
        success,
        errorReason,
        errorMessage,
        transaction,
        network,
        payer,
        amount,
        extensions,
        f.remaining());
  }

  private static SupportedResponse supportedResponse(JsonFields f) {
    List<SupportedKind> kinds = new ArrayList<>();
    for (JsonFields.Element element : f.requireArray("kinds")) {
      JsonFields k = element.object();
      int version = k.requireVersion("x402Version", "supported kind", 1, 2);
      String scheme = k.requireNonEmptyString("scheme");
      String network = k.requireNonEmptyString("network");
      Map<String, Object> extra = k.optionalMap("extra");
      kinds.add(new SupportedKind(version, scheme, network, extra, k.remaining()));
    }
    List<String> extensions = new ArrayList<>();
    for (JsonFields.Element element : f.optionalArray("extensions")) {
      extensions.add(element.string());
    }
    Map<String, List<String>> signers = new LinkedHashMap<>();
    JsonFields signerFields = f.optionalObject("signers");
    if (signerFields != null) {
      for (String pattern : signerFields.fieldNames()) {
        List<String> addresses = new ArrayList<>();
        for (JsonFields.Element element : signerFields.requireArray(pattern)) {
          addresses.add(element.string());
        }
        signers.put(pattern, addresses);
      }
    }
    return new SupportedResponse(kinds, extensions, signers, f.remaining());
  }

  // ---------------------------------------------------------------------------------- writing

  /** Writes a v2 {@code PaymentRequired} as JSON. */
  public String toJson(PaymentRequired message) {
    return text(out -> writePaymentRequired(out, message));
  }

  /** Writes a v1 402 body as JSON. */
  public String toJson(PaymentRequiredV1 message) {
    return text(out -> writePaymentRequiredV1(out, message));
  }

  /** Writes a v2 {@code PaymentPayload} as JSON. */
  public String toJson(PaymentPayload message) {
    return text(out -> writePaymentPayload(out, message));
  }

  /** Writes a v1 payment payload as JSON. */
  public String toJson(PaymentPayloadV1 message) {
    return text(out -> writePaymentPayloadV1(out, message));
  }

  /** Writes v2 payment requirements as JSON. */
  public String toJson(PaymentRequirements message) {
    return text(out -> writeRequirements(out, message));
  }

  /** Writes v1 payment requirements as JSON. */
  public String toJson(PaymentRequirementsV1 message) {
    return text(out -> writeRequirementsV1(out, message));
  }

  /** Writes the body of {@code /verify} or {@code /settle}. */
  public String toJson(FacilitatorRequest message) {
    return text(out -> writeFacilitatorRequest(out, message));
  }

  /** Writes a {@code /verify} answer. */
  public String toJson(VerifyResponse message) {
    return text(out -> writeVerifyResponse(out, message));
  }

  /** Writes a {@code /settle} answer or receipt. */
  public String toJson(SettleResponse message) {
    return text(out -> writeSettleResponse(out, message));
  }

  /** Writes a {@code /supported} answer. */
  public String toJson(SupportedResponse message) {
    return text(out -> writeSupportedResponse(out, message));
  }

  /** Writes any free-form JSON value held in canonical form (maps, lists, strings, numbers). */
  public String toJson(Map<String, ?> object) {
    Object canonical = JsonValues.canonical(object, "value");
    return text(out -> JsonValues.write(out, canonical));
  }

  private String text(StrictJson.JsonWriter writer) {
    return new String(json.write(writer), StandardCharsets.UTF_8);
  }

  private static void writeString(JsonGenerator out, String name, String value) throws IOException {
    if (value != null) {
      out.writeStringField(name, value);
    }
  }

  private static void writeMap(JsonGenerator out, String name, Map<String, Object> value)
      throws IOException {
    if (value != null) {
      out.writeFieldName(name);
      JsonValues.write(out, value);
    }
  }

  private static void writeAdditional(JsonGenerator out, Map<String, Object> fields)
      throws IOException {
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      out.writeFieldName(field.getKey());
      JsonValues.write(out, field.getValue());
    }
  }

  private static void writePaymentRequired(JsonGenerator out, PaymentRequired m)
      throws IOException {
    out.writeStartObject();
    out.writeNumberField("x402Version", m.x402Version());
    writeString(out, "error", m.error());
    out.writeFieldName("resource");
    writeResource(out, m.resource());
    out.writeArrayFieldStart("accepts");
    for (PaymentRequirements requirements : m.accepts()) {
      writeRequirements(out, requirements);
    }
    out.writeEndArray();
    writeMap(out, "extensions", m.extensions());
    writeAdditional(out, m.additionalFields());
    out.writeEndObject();
  }

  private static void writeResource(JsonGenerator out, ResourceInfo r) throws IOException {
    out.writeStartObject();
    out.writeStringField("url", r.url());
    writeString(out, "description", r.description());
    writeString(out, "mimeType", r.mimeType());
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }

  private static void writeRequirements(JsonGenerator out, PaymentRequirements r)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("scheme", r.scheme());
    out.writeStringField("network", r.network().toString());
    out.writeStringField("amount", r.amount().toString());
    out.writeStringField("asset", r.asset());
    out.writeStringField("payTo", r.payTo());
    out.writeNumberField("maxTimeoutSeconds", r.maxTimeoutSeconds());
    writeMap(out, "extra", r.extra());
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }

  private static void writePaymentPayload(JsonGenerator out, PaymentPayload p) throws IOException {
    out.writeStartObject();
    out.writeNumberField("x402Version", p.x402Version());
    if (p.resource() != null) {
      out.writeFieldName("resource");
      writeResource(out, p.resource());
    }
    out.writeFieldName("accepted");
    writeRequirements(out, p.accepted());
    writeMap(out, "payload", p.payload());
    writeMap(out, "extensions", p.extensions());
    writeAdditional(out, p.additionalFields());
    out.writeEndObject();
  }

  private static void writePaymentRequiredV1(JsonGenerator out, PaymentRequiredV1 m)
      throws IOException {
    out.writeStartObject();
    out.writeNumberField("x402Version", m.x402Version());
    writeString(out, "error", m.error());
    out.writeArrayFieldStart("accepts");
    for (PaymentRequirementsV1 requirements : m.accepts()) {
      writeRequirementsV1(out, requirements);
    }
    out.writeEndArray();
    writeAdditional(out, m.additionalFields());
    out.writeEndObject();
  }

  private static void writeRequirementsV1(JsonGenerator out, PaymentRequirementsV1 r)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("scheme", r.scheme());
    out.writeStringField("network", r.network());
    out.writeStringField("maxAmountRequired", r.maxAmountRequired().toString());
    out.writeStringField("asset", r.asset());
    out.writeStringField("payTo", r.payTo());
    out.writeStringField("resource", r.resource());
    out.writeStringField("description", r.description());
    writeString(out, "mimeType", r.mimeType());
    writeMap(out, "outputSchema", r.outputSchema());
    out.writeNumberField("maxTimeoutSeconds", r.maxTimeoutSeconds());
    writeMap(out, "extra", r.extra());
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }

  private static void writePaymentPayloadV1(JsonGenerator out, PaymentPayloadV1 p)
      throws IOException {
    out.writeStartObject();
    out.writeNumberField("x402Version", p.x402Version());
    out.writeStringField("scheme", p.scheme());
    out.writeStringField("network", p.network());
    writeMap(out, "payload", p.payload());
    writeAdditional(out, p.additionalFields());
    out.writeEndObject();
  }

  private static void writeFacilitatorRequest(JsonGenerator out, FacilitatorRequest request)
      throws IOException {
    out.writeStartObject();
    out.writeNumberField("x402Version", request.x402Version());
    if (request instanceof VerifyRequest) {
      VerifyRequest v2 = (VerifyRequest) request;
      out.writeFieldName("paymentPayload");
      writePaymentPayload(out, v2.paymentPayload());
      out.writeFieldName("paymentRequirements");
      writeRequirements(out, v2.paymentRequirements());
      writeAdditional(out, v2.additionalFields());
    } else {
      VerifyRequestV1 v1 = (VerifyRequestV1) request;
      out.writeFieldName("paymentPayload");
      writePaymentPayloadV1(out, v1.paymentPayload());
      out.writeFieldName("paymentRequirements");
      writeRequirementsV1(out, v1.paymentRequirements());
      writeAdditional(out, v1.additionalFields());
    }
    out.writeEndObject();
  }

  private static void writeVerifyResponse(JsonGenerator out, VerifyResponse r) throws IOException {
    out.writeStartObject();
    out.writeBooleanField("isValid", r.isValid());
    writeString(out, "invalidReason", r.invalidReason());
    writeString(out, "invalidMessage", r.invalidMessage());
    writeString(out, "payer", r.payer());
    writeMap(out, "extensions", r.extensions());
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }

  private static void writeSettleResponse(JsonGenerator out, SettleResponse r) throws IOException {
    out.writeStartObject();
    out.writeBooleanField("success", r.success());
    writeString(out, "errorReason", r.errorReason());
    writeString(out, "errorMessage", r.errorMessage());
    out.writeStringField("transaction", r.transaction());
    out.writeStringField("network", r.network());
    writeString(out, "payer", r.payer());
    if (r.amount() != null) {
      out.writeStringField("amount", r.amount().toString());
    }
    writeMap(out, "extensions", r.extensions());
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }

  private static void writeSupportedResponse(JsonGenerator out, SupportedResponse r)
      throws IOException {
    out.writeStartObject();
    out.writeArrayFieldStart("kinds");
    for (SupportedKind kind : r.kinds()) {
      out.writeStartObject();
      out.writeNumberField("x402Version", kind.x402Version());
      out.writeStringField("scheme", kind.scheme());
      out.writeStringField("network", kind.network());
      writeMap(out, "extra", kind.extra());
      writeAdditional(out, kind.additionalFields());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeArrayFieldStart("extensions");
    for (String extension : r.extensions()) {
      out.writeString(extension);
    }
    out.writeEndArray();
    out.writeObjectFieldStart("signers");
    for (Map.Entry<String, List<String>> entry : r.signers().entrySet()) {
      out.writeArrayFieldStart(entry.getKey());
      for (String address : entry.getValue()) {
        out.writeString(address);
      }
      out.writeEndArray();
    }
    out.writeEndObject();
    writeAdditional(out, r.additionalFields());
    out.writeEndObject();
  }
}
