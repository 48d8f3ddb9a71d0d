package io.x402j.core.extensions;

import io.x402j.core.support.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code builder-code} extension (ERC-8021 Schema 2 attribution, spec {@code
 * specs/extensions/builder_code.md}): the seller declares its app code {@code a} (and up to {@link
 * #MAX_SERVER_SERVICE_CODES} service codes {@code s}) in the 402, the buyer echoes them and adds up
 * to {@link #MAX_CLIENT_SERVICE_CODES} codes of its own, the seller refuses an echo that changes
 * {@code a} or pads {@code s}, and the facilitator appends {@code a}, {@code s} and its own wallet
 * code {@code w} to the settlement calldata (the encoding is {@code io.x402j.evm.Erc8021}).
 *
 * <p>Every code matches {@code ^[a-z0-9_]{1,32}$} (ASCII only). Values are JSON values in the
 * canonical form of {@link io.x402j.core.support.JsonValues}. Like {@code @x402/core}, the echo is
 * read from {@code extensions["builder-code"].info} (or the value itself when it has no {@code
 * info}).
 */
public final class BuilderCode {
  /** The {@code extensions} key. */
  public static final String KEY = "builder-code";

  /** Service codes a buyer may add. */
  public static final int MAX_CLIENT_SERVICE_CODES = 5;

  /** Service codes a seller may declare. */
  public static final int MAX_SERVER_SERVICE_CODES = 5;

  /** Service codes a facilitator may add. */
  public static final int MAX_FACILITATOR_SERVICE_CODES = 1;

  /** Service codes an echo may carry: the buyer's and the seller's reservations together. */
  public static final int MAX_ECHOED_SERVICE_CODES =
      MAX_CLIENT_SERVICE_CODES + MAX_SERVER_SERVICE_CODES;

  /** The reason a seller gives when an echo changes or pads what it declared. */
  public static final String ECHO_MISMATCH = "extension_echo_mismatch";

  private static final int MAX_CODE_LENGTH = 32;

  private BuilderCode() {}

  /** Whether {@code code} matches {@code ^[a-z0-9_]{1,32}$} (ASCII letters and digits only). */
  public static boolean isValidCode(Object code) {
    if (!(code instanceof String)) {
      return false;
    }
    String s = (String) code;
    if (s.isEmpty() || s.length() > MAX_CODE_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code code} if it is a valid builder code.
   *
   * @param what what the code is, for the message (e.g. "app code")
   * @throws IllegalArgumentException naming the code and the rule otherwise
   */
  public static String requireCode(String code, String what) {
    if (!isValidCode(code)) {
      throw new IllegalArgumentException(
          what
              + " "
              + Text.quote(code)
              + " is not a builder code: 1-32 characters, lowercase a-z, digits and _ only");
    }
    return code;
  }

  /**
   * Validates a party's service codes.
   *
   * @throws IllegalArgumentException if one is invalid or there are more than {@code max}
   */
  public static List<String> requireServiceCodes(List<String> codes, int max, String who) {
    if (codes.size() > max) {
      throw new IllegalArgumentException(
          "too many " + who + " service codes: " + codes.size() + " (at most " + max + ")");
    }
    List<String> out = new ArrayList<>();
    for (String code : codes) {
      out.add(requireCode(code, who + " service code"));
    }
    return List.copyOf(out);
  }

  /**
   * The attribution written to settlement calldata: each part optional, codes validated, {@code s}
   * at most {@code MAX_ECHOED_SERVICE_CODES + MAX_FACILITATOR_SERVICE_CODES} entries.
   *
   * @param a the app code, or {@code null}
   * @param s the service codes (possibly empty)
   * @param w the facilitator's wallet code, or {@code null}
   */
  public record Attribution(String a, List<String> s, String w) {
    /** Validates every code. */
    public Attribution {
      if (a != null) {
        requireCode(a, "app code");
      }
      if (w != null) {
        requireCode(w, "wallet code");
      }
      s =
          requireServiceCodes(
              s == null ? List.of() : s,
              MAX_ECHOED_SERVICE_CODES + MAX_FACILITATOR_SERVICE_CODES,
              "settlement");
    }

    /** Whether nothing would be attributed. */
    public boolean isEmpty() {
      return a == null && w == null && s.isEmpty();
    }
  }

  /**
   * The {@code extensions["builder-code"]} a seller declares: {@code {info: {a, s?}, schema}}.
   *
   * @throws IllegalArgumentException if a code is invalid or there are more than {@link
   *     #MAX_SERVER_SERVICE_CODES} service codes
   */
  public static Map<String, Object> declaration(String appCode, List<String> serviceCodes) {
    requireCode(appCode, "app code");
    List<String> s = requireServiceCodes(serviceCodes, MAX_SERVER_SERVICE_CODES, "seller");
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("a", appCode);
    if (!s.isEmpty()) {
      info.put("s", s);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", unmodifiable(info));
    out.put("schema", schema());
    return unmodifiable(out);
  }

  /** The JSON Schema of {@code info} (draft 2020-12), as the spec gives it. */
  public static Map<String, Object> schema() {
    Map<String, Object> code = Map.of("type", "string", "pattern", "^[a-z0-9_]{1,32}$");
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("a", code);
    properties.put("w", code);
    properties.put(
        "s",
        Map.of(
            "type",
            "array",
            "maxItems",
            (long) (MAX_ECHOED_SERVICE_CODES + MAX_FACILITATOR_SERVICE_CODES),
            "items",
            code));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    schema.put("properties", unmodifiable(properties));
    schema.put("additionalProperties", false);
    return unmodifiable(schema);
  }

  /**
   * What a buyer puts under {@code extensions["builder-code"]}: the seller's declaration with the
   * buyer's service codes merged into {@code info.s} (buyer's first, duplicates removed), or, when
   * the seller declared nothing, {@code {info: {s}}} without {@code a}. Empty when there is nothing
   * to send.
   *
   * @param declared what the 402 declared under the key, or {@code null}
   * @param clientCodes the buyer's codes, validated by the caller ({@link #requireServiceCodes})
   */
  public static Optional<Map<String, Object>> echo(Object declared, List<String> clientCodes) {
    Map<String, Object> declaredInfo = asObject(info(declared));
    if (declaredInfo == null && clientCodes.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (declared instanceof Map) {
      ((Map<?, ?>) declared).forEach((k, v) -> out.put((String) k, v));
    }
    Map<String, Object> info = new LinkedHashMap<>();
    if (declaredInfo != null) {
      info.putAll(declaredInfo);
    }
    if (!clientCodes.isEmpty()) {
      LinkedHashSet<Object> merged = new LinkedHashSet<>(clientCodes);
      Object declaredS = info.get("s");
      if (declaredS instanceof List) {
        merged.addAll((List<?>) declaredS);
      } else if (declaredS != null) {
        merged.add(declaredS);
      }
      info.put("s", List.copyOf(merged));
    }
    out.put("info", unmodifiable(info));
    return Optional.of(unmodifiable(out));
  }

  /**
   * The seller's check of a payment's echo, before verification: a problem (for {@link
   * #ECHO_MISMATCH}) or empty when acceptable. An absent echo is acceptable. Otherwise {@code info}
   * must be an object holding only {@code a} and {@code s}; {@code a}, when present, must equal the
   * declared {@code a} (so a buyer cannot attribute the sale to another app, nor add one where none
   * was declared); {@code s} must be a code or a list of at most {@link #MAX_ECHOED_SERVICE_CODES}
   * codes containing every declared one; a declared {@code a} must be echoed.
   *
   * @param declared what this request's 402 declared, or {@code null}
   * @param echoed what the payment carries, or {@code null}
   */
  public static Optional<String> checkEcho(Object declared, Object echoed) {
    if (echoed == null) {
      return Optional.empty();
    }
    Map<String, Object> info = asObject(info(echoed));
    if (info == null) {
      return Optional.of("builder-code: the echoed info is not a JSON object");
    }
    for (String field : info.keySet()) {
      if (!field.equals("a") && !field.equals("s")) {
        return Optional.of(
            "builder-code: the payment may echo only a and s, not " + Text.quote(field));
      }
    }
    Map<String, Object> declaredInfo = asObject(info(declared));
    Object declaredA = declaredInfo == null ? null : declaredInfo.get("a");
    Object echoedA = info.get("a");
    if (echoedA != null && !echoedA.equals(declaredA)) {
      return Optional.of(
          declaredA == null
              ? "builder-code: the payment names app code "
                  + quoted(echoedA)
                  + " but this resource declared none"
              : "builder-code: the payment names app code "
                  + quoted(echoedA)
                  + ", this resource declared "
                  + quoted(declaredA));
    }
    if (declaredA != null && echoedA == null) {
      return Optional.of(
          "builder-code: the payment echoes builder-code without the declared app code "
              + quoted(declaredA));
    }
    Object echoedS = info.get("s");
    List<?> codes =
        echoedS == null
            ? List.of()
            : echoedS instanceof List ? (List<?>) echoedS : List.of(echoedS);
    if (codes.size() > MAX_ECHOED_SERVICE_CODES) {
      return Optional.of(
          "builder-code: the payment carries "
              + codes.size()
              + " service codes, at most "
              + MAX_ECHOED_SERVICE_CODES
              + " are allowed");
    }
    for (Object code : codes) {
      if (!isValidCode(code)) {
        return Optional.of(
            "builder-code: service code "
                + quoted(code)
                + " is not a builder code (1-32 of a-z, 0-9, _)");
      }
    }
    Object declaredS = declaredInfo == null ? null : declaredInfo.get("s");
    List<?> required =
        declaredS == null
            ? List.of()
            : declaredS instanceof List ? (List<?>) declaredS : List.of(declaredS);
    for (Object code : required) {
      if (!codes.contains(code)) {
        return Optional.of(
            "builder-code: the payment drops the declared service code " + quoted(code));
      }
    }
    return Optional.empty();
  }

  /**
   * What a facilitator attributes when settling: the echoed {@code a} (protocol v2 only, and only
   * when valid), the echoed service codes that are valid (at most {@link
   * #MAX_ECHOED_SERVICE_CODES}; the rest are dropped, as {@code s} is self-reported), then its own
   * service code when not already there, and its own wallet code. Empty when there is nothing.
   *
   * @param x402Version the protocol version the payment arrived in
   * @param extensions the payment's extensions, or {@code null}
   * @param walletCode the facilitator's {@code w}, or {@code null}
   * @param serviceCode the facilitator's own {@code s} entry, or {@code null}
   */
  public static Optional<Attribution> forSettlement(
      int x402Version, Map<String, Object> extensions, String walletCode, String serviceCode) {
    Map<String, Object> info = extensions == null ? null : asObject(info(extensions.get(KEY)));
    String a = null;
    List<String> s = new ArrayList<>();
    if (info != null) {
      Object echoedA = info.get("a");
      if (x402Version == 2 && isValidCode(echoedA)) {
        a = (String) echoedA;
      }
      Object echoedS = info.get("s");
      List<?> codes =
          echoedS instanceof List
              ? (List<?>) echoedS
              : echoedS == null ? List.of() : List.of(echoedS);
      for (Object code : codes) {
        if (s.size() == MAX_ECHOED_SERVICE_CODES) {
          break;
        }
        if (isValidCode(code)) {
          s.add((String) code);
        }
      }
    }
    if (serviceCode != null && !s.contains(serviceCode)) {
      s.add(serviceCode);
    }
    Attribution attribution = new Attribution(a, s, walletCode);
    return attribution.isEmpty() ? Optional.empty() : Optional.of(attribution);
  }

  private static Object info(Object extension) {
    if (extension instanceof Map && ((Map<?, ?>) extension).containsKey("info")) {
      return ((Map<?, ?>) extension).get("info");
    }
    return extension;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asObject(Object value) {
    return value instanceof Map ? (Map<String, Object>) value : null;
  }

  private static String quoted(Object value) {
    return value instanceof String ? Text.quote((String) value) : "a " + kind(value);
  }

  private static String kind(Object value) {
    if (value instanceof Map) {
      return "JSON object";
    }
    if (value instanceof List) {
      return "JSON array";
    }
    return value instanceof Number ? "number" : "non-string value";
  }

  private static Map<String, Object> unmodifiable(Map<String, Object> map) {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
