package io.x402j.core.extensions.siwx;

import io.x402j.core.support.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message fields a server asks a wallet to sign ({@code extensions["sign-in-with-x"].info}).
 * Values are kept as the exact text that is signed; times are RFC 3339 strings. No field may hold a
 * control or line-separator character, so no field can add a line to the signed message.
 *
 * @param domain the server's host (with a port when not the default), e.g. {@code api.example.com}
 * @param uri the resource's absolute URI
 * @param version always {@code "1"}
 * @param nonce the server's one-time nonce (32 hex digits from x402j servers)
 * @param issuedAt when the challenge was made
 * @param expirationTime when it expires, or {@code null}
 * @param notBefore when it becomes valid, or {@code null}
 * @param statement a human-readable purpose, or {@code null}
 * @param requestId a correlation id, or {@code null}
 * @param resources URIs the sign-in is for, or {@code null}
 */
public record SiwxChallenge(
    String domain,
    String uri,
    String version,
    String nonce,
    String issuedAt,
    String expirationTime,
    String notBefore,
    String statement,
    String requestId,
    List<String> resources) {
  /** The longest field accepted. */
  public static final int MAX_FIELD_LENGTH = 2048;

  /** The most resources accepted. */
  public static final int MAX_RESOURCES = 32;

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming the field that is missing, too long or holds a control
   *     character
   */
  public SiwxChallenge {
    required("domain", domain);
    required("uri", uri);
    required("version", version);
    required("nonce", nonce);
    required("issuedAt", issuedAt);
    optional("expirationTime", expirationTime);
    optional("notBefore", notBefore);
    optional("statement", statement);
    optional("requestId", requestId);
    if (resources != null) {
      if (resources.size() > MAX_RESOURCES) {
        throw new IllegalArgumentException(
            "resources has " + resources.size() + " entries, more than " + MAX_RESOURCES);
      }
      for (int i = 0; i < resources.size(); i++) {
        required("resources[" + i + "]", resources.get(i));
      }
      resources = List.copyOf(resources);
    }
  }

  /** The challenge's fields as the JSON object of {@code info} (absent fields left out). */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    putFields(json);
    return json;
  }

  /** Puts the fields into {@code json} in the specification's order. */
  void putFields(Map<String, Object> json) {
    json.put("domain", domain);
    json.put("uri", uri);
    json.put("version", version);
    json.put("nonce", nonce);
    json.put("issuedAt", issuedAt);
    putIfPresent(json, "expirationTime", expirationTime);
    putIfPresent(json, "notBefore", notBefore);
    putIfPresent(json, "statement", statement);
    putIfPresent(json, "requestId", requestId);
    if (resources != null) {
      json.put("resources", resources);
    }
  }

  /**
   * Reads the fields of a JSON object (the canonical form of {@link
   * io.x402j.core.support.JsonValues}); other members are ignored.
   *
   * @throws IllegalArgumentException naming the member that is missing or of the wrong type
   */
  public static SiwxChallenge fromJson(Map<?, ?> json) {
    return new SiwxChallenge(
        string(json, "domain", true),
        string(json, "uri", true),
        string(json, "version", true),
        string(json, "nonce", true),
        string(json, "issuedAt", true),
        string(json, "expirationTime", false),
        string(json, "notBefore", false),
        string(json, "statement", false),
        string(json, "requestId", false),
        strings(json, "resources"));
  }

  static void putIfPresent(Map<String, Object> json, String name, String value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  static String string(Map<?, ?> json, String name, boolean required) {
    if (!json.containsKey(name)) {
      if (required) {
        throw new IllegalArgumentException(name + " is missing");
      }
      return null;
    }
    Object value = json.get(name);
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return s;
  }

  static List<String> strings(Map<?, ?> json, String name) {
    if (!json.containsKey(name)) {
      return null;
    }
    if (!(json.get(name) instanceof List<?> list)) {
      throw new IllegalArgumentException(name + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw new IllegalArgumentException(name + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  static void required(String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " is missing");
    }
    optional(name, value);
  }

  static void optional(String name, String value) {
    if (value == null) {
      return;
    }
    if (value.length() > MAX_FIELD_LENGTH) {
      throw new IllegalArgumentException(
          name + " is " + value.length() + " characters, more than " + MAX_FIELD_LENGTH);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029) {
        throw new IllegalArgumentException(
            name
                + " "
                + Text.quote(value)
                + " holds a control or line-break character at index "
                + i
                + " (a signed message field is one line)");
      }
    }
  }
}
