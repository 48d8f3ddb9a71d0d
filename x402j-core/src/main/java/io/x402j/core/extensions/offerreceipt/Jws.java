package io.x402j.core.extensions.offerreceipt;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compact JWS (RFC 7515) as offers and receipts use it: header {@code {"alg","kid"}}, payload the
 * JCS-canonical JSON of the artifact's payload, signature over {@code header.payload}.
 */
public final class Jws {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final StrictJson JSON = new StrictJson(16_384);
  private static final int MAX_LENGTH = 32_768;

  private Jws() {}

  /** Signs JWS signing inputs with one key. Implementations must be thread-safe. */
  public interface Signer {
    /** The JWS {@code alg}, e.g. {@code EdDSA} or {@code ES256K}. */
    String algorithm();

    /** The key id ({@code kid}), a DID URL such as {@code did:key:z6Mk…}. */
    String kid();

    /** The raw JWS signature of {@code signingInput} (64 bytes for EdDSA and ES256K). */
    byte[] sign(byte[] signingInput);
  }

  /** Checks JWS signatures against one public key. */
  public interface Key {
    /** Whether {@code signature} is this key's {@code alg} signature of {@code signingInput}. */
    boolean verify(String alg, byte[] signingInput, byte[] signature);

    /** The public key as a JWK (for comparing a header {@code jwk} with a resolved {@code kid}). */
    Map<String, Object> jwk();
  }

  /**
   * A parsed compact JWS; nothing is verified yet.
   *
   * @param header the protected header
   * @param payload the payload as a JSON object
   * @param signingInput {@code header.payload} as sent
   * @param signature the raw signature
   */
  public record Parsed(
      Map<String, Object> header,
      Map<String, Object> payload,
      byte[] signingInput,
      byte[] signature) {
    /** The header's {@code alg}, or {@code null}. */
    public String alg() {
      return header.get("alg") instanceof String s ? s : null;
    }

    /** The header's {@code kid}, or {@code null}. */
    public String kid() {
      return header.get("kid") instanceof String s ? s : null;
    }
  }

  /** The compact JWS of {@code payload} signed by {@code signer}. */
  public static String sign(Map<String, Object> payload, Signer signer) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", signer.algorithm());
    header.put("kid", signer.kid());
    String input =
        B64.encodeToString(jsonInOrder(header).getBytes(StandardCharsets.UTF_8))
            + "."
            + B64.encodeToString(Jcs.canonicalize(payload).getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(signature);
  }

  /**
   * Parses a compact JWS.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  public static Parsed parse(String compact) {
    if (compact == null || compact.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("the JWS is missing or too long");
    }
    String[] parts = compact.split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("the JWS does not have three parts");
    }
    Map<String, Object> header = object(decode(parts[0], "header"), "header");
    Map<String, Object> payload = object(decode(parts[1], "payload"), "payload");
    byte[] signature = decode(parts[2], "signature");
    return new Parsed(
        header,
        payload,
        (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
        signature);
  }

  private static byte[] decode(String part, String what) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (!((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_')) {
        throw new IllegalArgumentException("the JWS " + what + " is not base64url");
      }
    }
    try {
      return B64D.decode(part);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the JWS " + what + " is not base64url");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(byte[] json, String what) {
    JsonNode node;
    try {
      node = JSON.parse(new String(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("the JWS " + what + " is not JSON");
    }
    Object value = JsonValues.fromNode(node);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException("the JWS " + what + " is not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /** JSON of string-valued maps in insertion order (the header as JSON.stringify writes it). */
  private static String jsonInOrder(Map<String, Object> map) {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append(Jcs.canonicalize(e.getKey())).append(':').append(Jcs.canonicalize(e.getValue()));
    }
    return out.append('}').toString();
  }
}
