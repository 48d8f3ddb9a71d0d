package io.x402j.core.extensions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code payment-identifier} extension (specification {@code
 * specs/extensions/payment_identifier.md}): a seller declares it in its 402 as {@code
 * {"info":{"required":bool},"schema":{…}}}; the buyer echoes it in its payment with {@code info.id}
 * added, an idempotency key ({@link PaymentIdentifier}) that it reuses when it sends the same
 * payment again. Sellers and facilitators treat the same id with the same payment as one request,
 * and the same id with another payment as a conflict. Static helpers over the plain JSON maps of
 * {@code PaymentRequired.extensions} and {@code PaymentPayload.extensions}.
 */
public final class PaymentIdentifierExtension {
  /**
   * The key under {@code extensions}, and the name listed in a facilitator's {@code /supported}.
   */
  public static final String KEY = "payment-identifier";

  private PaymentIdentifierExtension() {}

  /** A seller's declaration, as read from a 402: whether the id is required. */
  public record Declaration(boolean required) {}

  /** What a payment's {@code extensions} say about the id. */
  public sealed interface Echo {
    /** The payment carries no id (no extension, or the extension without {@code info.id}). */
    record Absent() implements Echo {}

    /** The payment carries a valid id. */
    record Identified(PaymentIdentifier id) implements Echo {
      /** Validates the field. */
      public Identified {
        Objects.requireNonNull(id, "id");
      }
    }

    /**
     * The extension is there but unusable.
     *
     * @param problem what is wrong, naming the field (safe to show: values are quoted)
     */
    record Malformed(String problem) implements Echo {
      /** Validates the field. */
      public Malformed {
        Objects.requireNonNull(problem, "problem");
      }
    }
  }

  /**
   * The JSON schema of {@code info}, as the official package declares it (draft 2020-12: {@code
   * required} boolean, required; {@code id} a string of 16–128 characters of the id pattern).
   */
  public static Map<String, Object> schema() {
    Map<String, Object> id = new LinkedHashMap<>();
    id.put("type", "string");
    id.put("minLength", (long) PaymentIdentifier.MIN_LENGTH);
    id.put("maxLength", (long) PaymentIdentifier.MAX_LENGTH);
    id.put("pattern", "^[a-zA-Z0-9_-]+$");
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("required", Map.of("type", "boolean"));
    properties.put("id", Map.copyOf(id));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    schema.put("properties", java.util.Collections.unmodifiableMap(properties));
    schema.put("required", java.util.List.of("required"));
    return java.util.Collections.unmodifiableMap(schema);
  }

  /** What a seller puts under {@code extensions["payment-identifier"]}: {@code {info, schema}}. */
  public static Map<String, Object> declaration(boolean required) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", Map.of("required", required));
    out.put("schema", schema());
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * The seller's declaration in a 402's {@code extensions}, if it makes one: an object whose {@code
   * info} is an object with a boolean {@code required} (the official client's test). Anything else
   * under the key is not a declaration.
   */
  public static Optional<Declaration> declared(Map<String, Object> extensions) {
    if (extensions == null
        || !(extensions.get(KEY) instanceof Map<?, ?> extension)
        || !(extension.get("info") instanceof Map<?, ?> info)
        || !(info.get("required") instanceof Boolean required)) {
      return Optional.empty();
    }
    return Optional.of(new Declaration(required));
  }

  /**
   * The echo a buyer sends for {@code declared} (the value under the key in the 402): the seller's
   * declaration as it was, with {@code info.id} set to {@code id}.
   */
  public static Map<String, Object> echo(Object declared, PaymentIdentifier id) {
    Objects.requireNonNull(id, "id");
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> info = new LinkedHashMap<>();
    if (declared instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
      if (map.get("info") instanceof Map<?, ?> declaredInfo) {
        declaredInfo.forEach((k, v) -> info.put(String.valueOf(k), v));
      }
    }
    info.putIfAbsent("required", false);
    info.put("id", id.value());
    out.put("info", info);
    out.putIfAbsent("schema", schema());
    return out;
  }

  /**
   * Reads the id from a payment's {@code extensions} (may be {@code null}). The checks are the
   * official validator's, minus running the echoed schema: the extension is an object, its {@code
   * info} an object with a boolean {@code required}, and {@code id}, when present, a valid {@link
   * PaymentIdentifier}.
   */
  public static Echo read(Map<String, Object> extensions) {
    if (extensions == null || !extensions.containsKey(KEY)) {
      return new Echo.Absent();
    }
    if (!(extensions.get(KEY) instanceof Map<?, ?> extension)) {
      return new Echo.Malformed("extensions." + KEY + " must be an object");
    }
    if (!(extension.get("info") instanceof Map<?, ?> info)) {
      return new Echo.Malformed("extensions." + KEY + ".info must be an object");
    }
    if (!(info.get("required") instanceof Boolean)) {
      return new Echo.Malformed("extensions." + KEY + ".info.required must be a boolean");
    }
    if (!info.containsKey("id")) {
      return new Echo.Absent();
    }
    if (!(info.get("id") instanceof String id)) {
      return new Echo.Malformed("extensions." + KEY + ".info.id must be a string");
    }
    String problem = PaymentIdentifier.problem(id);
    if (problem != null) {
      return new Echo.Malformed("extensions." + KEY + ".info.id: " + problem);
    }
    return new Echo.Identified(new PaymentIdentifier(id));
  }
}
