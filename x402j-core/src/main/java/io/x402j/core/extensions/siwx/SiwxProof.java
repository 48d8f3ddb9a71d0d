package io.x402j.core.extensions.siwx;

import com.fasterxml.jackson.core.JsonFactory;
import io.x402j.core.support.JsonValues;
import io.x402j.core.support.StrictJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed sign-in: the challenge's fields echoed, the chain and address that signed, and the
 * signature. It travels base64-encoded JSON in the {@code SIGN-IN-WITH-X} request header.
 *
 * @param challenge the signed message's fields
 * @param address the wallet: a {@code 0x} address for EVM, base58 for Solana (text as sent)
 * @param chainId the CAIP-2 chain the wallet signed for
 * @param type {@code eip191} or {@code ed25519}
 * @param signatureScheme a hint ({@code eip191}, {@code eip1271}, {@code eip6492}, {@code siws}),
 *     or {@code null}
 * @param signature {@code 0x} hex for EVM, base58 for Solana
 */
public record SiwxProof(
    SiwxChallenge challenge,
    String address,
    String chainId,
    String type,
    String signatureScheme,
    String signature) {
  /** The longest header accepted, in characters. */
  public static final int MAX_HEADER_LENGTH = 32 * 1024;

  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
  private static final StrictJson JSON = new StrictJson(SiwxChallenge.MAX_FIELD_LENGTH * 4);

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public SiwxProof {
    Objects.requireNonNull(challenge, "challenge");
    SiwxChallenge.required("address", address);
    SiwxChallenge.required("signature", signature);
    new SiwxChain(chainId, type, signatureScheme);
  }

  /** The chain entry this proof signed for. */
  public SiwxChain chain() {
    return new SiwxChain(chainId, type, signatureScheme);
  }

  /** The proof as the JSON object the header carries, in the official client's member order. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("domain", challenge.domain());
    json.put("address", address);
    SiwxChallenge.putIfPresent(json, "statement", challenge.statement());
    json.put("uri", challenge.uri());
    json.put("version", challenge.version());
    json.put("chainId", chainId);
    json.put("type", type);
    json.put("nonce", challenge.nonce());
    json.put("issuedAt", challenge.issuedAt());
    SiwxChallenge.putIfPresent(json, "expirationTime", challenge.expirationTime());
    SiwxChallenge.putIfPresent(json, "notBefore", challenge.notBefore());
    SiwxChallenge.putIfPresent(json, "requestId", challenge.requestId());
    if (challenge.resources() != null) {
      json.put("resources", challenge.resources());
    }
    SiwxChallenge.putIfPresent(json, "signatureScheme", signatureScheme);
    json.put("signature", signature);
    return json;
  }

  /** The {@code SIGN-IN-WITH-X} header value: base64 (with padding) of the UTF-8 JSON. */
  public String toHeader() {
    StringWriter out = new StringWriter();
    try (var generator = new JsonFactory().createGenerator(out)) {
      JsonValues.write(generator, toJson());
    } catch (IOException e) {
      throw new IllegalStateException("a sign-in proof could not be written", e);
    }
    return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a {@code SIGN-IN-WITH-X} header value.
   *
   * @throws IllegalArgumentException naming what is wrong (not base64, not JSON, a member missing
   *     or of the wrong type)
   */
  public static SiwxProof parseHeader(String header) {
    Objects.requireNonNull(header, "header");
    String value = header.trim();
    if (value.length() > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "the SIGN-IN-WITH-X header is " + value.length() + " characters, too long");
    }
    if (value.isEmpty() || !BASE64.matcher(value).matches()) {
      throw new IllegalArgumentException("the SIGN-IN-WITH-X header is not base64");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the SIGN-IN-WITH-X header is not base64", e);
    }
    Object json;
    try {
      json =
          JsonValues.fromNode(
              JSON.parse(
                  StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString()));
    } catch (IOException e) {
      throw new IllegalArgumentException("the SIGN-IN-WITH-X header is not JSON in UTF-8", e);
    }
    if (!(json instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("the SIGN-IN-WITH-X header is not a JSON object");
    }
    return fromJson(map);
  }

  /**
   * Reads a proof from its JSON object.
   *
   * @throws IllegalArgumentException naming the member that is missing or wrong
   */
  public static SiwxProof fromJson(Map<?, ?> json) {
    return new SiwxProof(
        SiwxChallenge.fromJson(json),
        SiwxChallenge.string(json, "address", true),
        SiwxChallenge.string(json, "chainId", true),
        SiwxChallenge.string(json, "type", true),
        SiwxChallenge.string(json, "signatureScheme", false),
        SiwxChallenge.string(json, "signature", true));
  }
}
