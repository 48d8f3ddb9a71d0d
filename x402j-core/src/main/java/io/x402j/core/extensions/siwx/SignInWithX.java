package io.x402j.core.extensions.siwx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The names and the JSON schema of the {@code sign-in-with-x} extension. */
public final class SignInWithX {
  /** The key of the extension in {@code PaymentRequired.extensions}. */
  public static final String KEY = "sign-in-with-x";

  /** The request header that carries a {@link SiwxProof}. */
  public static final String HEADER = "SIGN-IN-WITH-X";

  /** The only message version: CAIP-122 / EIP-4361 version {@code 1}. */
  public static final String VERSION = "1";

  /** The signature type of EVM chains (an EIP-191 {@code personal_sign} of a SIWE message). */
  public static final String TYPE_EIP191 = "eip191";

  /** The signature type of Solana (an Ed25519 signature of a SIWS message). */
  public static final String TYPE_ED25519 = "ed25519";

  /** The signature schemes a proof or a supported chain may name (hints only). */
  public static final List<String> SIGNATURE_SCHEMES =
      List.of("eip191", "eip1271", "eip6492", "siws");

  private SignInWithX() {}

  /** The signature type for a CAIP-2 network: {@code ed25519} for Solana, else {@code eip191}. */
  public static String typeFor(String network) {
    return network.startsWith("solana:") ? TYPE_ED25519 : TYPE_EIP191;
  }

  /** The JSON schema of a proof that a declaration carries, as the specification gives it. */
  public static Map<String, Object> schema() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("domain", Map.of("type", "string"));
    properties.put("address", Map.of("type", "string"));
    properties.put("statement", Map.of("type", "string"));
    properties.put("uri", Map.of("type", "string", "format", "uri"));
    properties.put("version", Map.of("type", "string"));
    properties.put("chainId", Map.of("type", "string"));
    properties.put("type", Map.of("type", "string"));
    properties.put("nonce", Map.of("type", "string"));
    properties.put("issuedAt", Map.of("type", "string", "format", "date-time"));
    properties.put("expirationTime", Map.of("type", "string", "format", "date-time"));
    properties.put("notBefore", Map.of("type", "string", "format", "date-time"));
    properties.put("requestId", Map.of("type", "string"));
    properties.put(
        "resources", Map.of("type", "array", "items", Map.of("type", "string", "format", "uri")));
    properties.put("signature", Map.of("type", "string"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put(
        "required",
        List.of(
            "domain",
            "address",
            "uri",
            "version",
            "chainId",
            "type",
            "nonce",
            "issuedAt",
            "signature"));
    return schema;
  }
}
