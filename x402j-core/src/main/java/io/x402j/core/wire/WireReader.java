package io.x402j.core.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.internal.JsonFields;
import io.x402j.core.support.StrictJson;
import io.x402j.core.wire.MalformedMessageException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reading half of {@link WireCodec}: turns JSON text into x402 messages, strictly. The text is
 * checked against the length limit and parsed by {@link StrictJson} (one object, no repeated keys,
 * bounded nesting); each message's fields are then read by name, refusing a missing or malformed
 * required field with a {@link MalformedMessageException} that names it. Unknown fields, {@code
 * extra} and {@code extensions} are kept so that {@link WireWriter} can write them back. Immutable
 * and thread-safe.
 */
final class WireReader {
  private final int maxLength;
  private final StrictJson json;

  WireReader(int maxLength, StrictJson json) {
    this.maxLength = maxLength;
    this.json = json;
  }

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
  PaymentRequired decodePaymentRequired(String text) {
    return read(text, "PaymentRequired", WireReader::paymentRequired);
  }

  /** Reads the JSON body of a v1 402. */
  PaymentRequiredV1 decodePaymentRequiredV1(String text) {
    return read(text, "v1 402 body", WireReader::paymentRequiredV1);
  }

  /** Reads a v2 {@code PaymentPayload}. */
  PaymentPayload decodePaymentPayload(String text) {
    return read(text, "PaymentPayload", f -> paymentPayload(f, "PaymentPayload"));
  }

  /** Reads a v1 payment payload. */
  PaymentPayloadV1 decodePaymentPayloadV1(String text) {
    return read(text, "v1 PaymentPayload", f -> paymentPayloadV1(f, "v1 PaymentPayload"));
  }

  /** Reads v2 payment requirements. */
  PaymentRequirements decodePaymentRequirements(String text) {
    return read(text, "PaymentRequirements", WireReader::requirements);
  }

  /**
   * Reads the body of {@code POST /verify} or {@code POST /settle}, either protocol version. The
   * version comes from the top-level {@code x402Version}, or from {@code
   * paymentPayload.x402Version} when the top level omits it; the two must agree.
   */
  FacilitatorRequest decodeFacilitatorRequest(String text) {
    return read(text, "facilitator request", WireReader::facilitatorRequest);
  }

  /** Reads a {@code /verify} answer. */
  VerifyResponse decodeVerifyResponse(String text) {
    return read(text, "VerifyResponse", WireReader::verifyResponse);
  }

  /** Reads a {@code /settle} answer or a payment receipt. */
  SettleResponse decodeSettleResponse(String text) {
    return read(text, "SettleResponse", WireReader::settleResponse);
  }

  /** Reads a {@code /supported} answer. */
  SupportedResponse decodeSupportedResponse(String text) {
    return read(text, "SupportedResponse", WireReader::supportedResponse);
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
}
