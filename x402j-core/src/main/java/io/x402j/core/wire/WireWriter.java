package io.x402j.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The writing half of {@link WireCodec}: turns x402 messages into JSON text. Fields are written in
 * the order of the specification's examples, optional fields that are absent are left out, and
 * unknown fields kept by {@link WireReader} follow the known ones, so a message decoded from the
 * specification re-encodes to the same bytes. Interoperability depends on that byte-for-byte
 * output: change the order here only together with the specification vectors. Immutable and
 * thread-safe.
 */
final class WireWriter {
  private final StrictJson json;

  WireWriter(StrictJson json) {
    this.json = json;
  }

  /** Writes a v2 {@code PaymentRequired} as JSON. */
  String toJson(PaymentRequired message) {
    return text(out -> writePaymentRequired(out, message));
  }

  /** Writes a v1 402 body as JSON. */
  String toJson(PaymentRequiredV1 message) {
    return text(out -> writePaymentRequiredV1(out, message));
  }

  /** Writes a v2 {@code PaymentPayload} as JSON. */
  String toJson(PaymentPayload message) {
    return text(out -> writePaymentPayload(out, message));
  }

  /** Writes a v1 payment payload as JSON. */
  String toJson(PaymentPayloadV1 message) {
    return text(out -> writePaymentPayloadV1(out, message));
  }

  /** Writes v2 payment requirements as JSON. */
  String toJson(PaymentRequirements message) {
    return text(out -> writeRequirements(out, message));
  }

  /** Writes v1 payment requirements as JSON. */
  String toJson(PaymentRequirementsV1 message) {
    return text(out -> writeRequirementsV1(out, message));
  }

  /** Writes the body of {@code /verify} or {@code /settle}. */
  String toJson(FacilitatorRequest message) {
    return text(out -> writeFacilitatorRequest(out, message));
  }

  /** Writes a {@code /verify} answer. */
  String toJson(VerifyResponse message) {
    return text(out -> writeVerifyResponse(out, message));
  }

  /** Writes a {@code /settle} answer or receipt. */
  String toJson(SettleResponse message) {
    return text(out -> writeSettleResponse(out, message));
  }

  /** Writes a {@code /supported} answer. */
  String toJson(SupportedResponse message) {
    return text(out -> writeSupportedResponse(out, message));
  }

  /** Writes any free-form JSON value held in canonical form (maps, lists, strings, numbers). */
  String toJson(Map<String, ?> object) {
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
