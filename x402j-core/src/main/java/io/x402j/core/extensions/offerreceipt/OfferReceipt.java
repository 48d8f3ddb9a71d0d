package io.x402j.core.extensions.offerreceipt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where offers and receipts travel: {@code PaymentRequired.extensions["offer-receipt"] =
 * {info:{offers:[…]}, schema}} and {@code SettleResponse.extensions["offer-receipt"] =
 * {info:{receipt}, schema}}. The spec calls this placement "not considered stable" (§2); the
 * payloads and signatures are.
 */
public final class OfferReceipt {
  /** The {@code extensions} key. */
  public static final String KEY = "offer-receipt";

  /** The EIP-712 format. */
  public static final String EIP712 = "eip712";

  /** The compact JWS format. */
  public static final String JWS = "jws";

  /** The payload version this implementation signs and reads. */
  public static final long VERSION = 1;

  private OfferReceipt() {}

  /** The 402's {@code extensions["offer-receipt"]} for signed offers. */
  public static Map<String, Object> offersExtension(List<Map<String, Object>> offers) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", Map.of("offers", List.copyOf(offers)));
    out.put("schema", offersSchema());
    return out;
  }

  /** The receipt's {@code extensions["offer-receipt"]}. */
  public static Map<String, Object> receiptExtension(Map<String, Object> receipt) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", Map.of("receipt", receipt));
    out.put("schema", receiptSchema());
    return out;
  }

  /** The signed offers of a 402's extensions (empty when none or malformed). */
  public static List<Map<String, Object>> offers(Map<String, Object> extensions) {
    Object info = info(extensions);
    Object offers = info instanceof Map<?, ?> m ? m.get("offers") : null;
    List<Map<String, Object>> out = new ArrayList<>();
    if (offers instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?>) {
          @SuppressWarnings("unchecked")
          Map<String, Object> offer = (Map<String, Object>) o;
          out.add(offer);
        }
      }
    }
    return out;
  }

  /** The signed receipt of a settlement response's extensions, if any. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> receipt(Map<String, Object> extensions) {
    Object info = info(extensions);
    Object receipt = info instanceof Map<?, ?> m ? m.get("receipt") : null;
    return receipt instanceof Map<?, ?>
        ? Optional.of((Map<String, Object>) receipt)
        : Optional.empty();
  }

  private static Object info(Map<String, Object> extensions) {
    Object ext = extensions == null ? null : extensions.get(KEY);
    return ext instanceof Map<?, ?> m ? m.get("info") : null;
  }

  private static Map<String, Object> offersSchema() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "object");
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("version", Map.of("type", "integer"));
    for (String f : List.of("resourceUrl", "scheme", "network", "asset", "payTo", "amount")) {
      props.put(f, Map.of("type", "string"));
    }
    props.put("validUntil", Map.of("type", "integer"));
    payload.put("properties", props);
    payload.put(
        "required",
        List.of("version", "resourceUrl", "scheme", "network", "asset", "payTo", "amount"));
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("type", "object");
    Map<String, Object> itemProps = new LinkedHashMap<>();
    itemProps.put("format", Map.of("type", "string"));
    itemProps.put("acceptIndex", Map.of("type", "integer"));
    itemProps.put("payload", payload);
    itemProps.put("signature", Map.of("type", "string"));
    item.put("properties", itemProps);
    item.put("required", List.of("format", "signature"));
    return schema("offers", Map.of("type", "array", "items", item));
  }

  private static Map<String, Object> receiptSchema() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "object");
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("version", Map.of("type", "integer"));
    props.put("network", Map.of("type", "string"));
    props.put("resourceUrl", Map.of("type", "string"));
    props.put("payer", Map.of("type", "string"));
    props.put("issuedAt", Map.of("type", "integer"));
    props.put("transaction", Map.of("type", "string"));
    payload.put("properties", props);
    payload.put("required", List.of("version", "network", "resourceUrl", "payer", "issuedAt"));
    Map<String, Object> receipt = new LinkedHashMap<>();
    receipt.put("type", "object");
    Map<String, Object> rProps = new LinkedHashMap<>();
    rProps.put("format", Map.of("type", "string"));
    rProps.put("payload", payload);
    rProps.put("signature", Map.of("type", "string"));
    receipt.put("properties", rProps);
    receipt.put("required", List.of("format", "signature"));
    return schema("receipt", receipt);
  }

  private static Map<String, Object> schema(String field, Object property) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    schema.put("properties", Map.of(field, property));
    schema.put("required", List.of(field));
    return schema;
  }
}
