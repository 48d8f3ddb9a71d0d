package io.x402j.core.extensions.siwx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way a server accepts a sign-in ({@code supportedChains[]}): a CAIP-2 chain and its signature
 * type.
 *
 * @param chainId the CAIP-2 chain, e.g. {@code eip155:8453} or {@code
 *     solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp}
 * @param type {@code eip191} for EVM, {@code ed25519} for Solana
 * @param signatureScheme a hint for the wallet ({@code eip191}, {@code eip1271}, {@code eip6492} or
 *     {@code siws}), or {@code null}
 */
public record SiwxChain(String chainId, String type, String signatureScheme) {
  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public SiwxChain {
    SiwxChallenge.required("chainId", chainId);
    SiwxChallenge.required("type", type);
    if (!type.equals(SignInWithX.TYPE_EIP191) && !type.equals(SignInWithX.TYPE_ED25519)) {
      throw new IllegalArgumentException("type must be eip191 or ed25519");
    }
    if (signatureScheme != null && !SignInWithX.SIGNATURE_SCHEMES.contains(signatureScheme)) {
      throw new IllegalArgumentException(
          "signatureScheme must be one of " + SignInWithX.SIGNATURE_SCHEMES);
    }
  }

  /** The chain for a CAIP-2 network, with the type its namespace uses and no scheme hint. */
  public static SiwxChain of(String network) {
    return new SiwxChain(network, SignInWithX.typeFor(network), null);
  }

  /** This entry as JSON. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("chainId", chainId);
    json.put("type", type);
    SiwxChallenge.putIfPresent(json, "signatureScheme", signatureScheme);
    return json;
  }

  /**
   * Reads an entry from JSON.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SiwxChain fromJson(Map<?, ?> json) {
    return new SiwxChain(
        SiwxChallenge.string(json, "chainId", true),
        SiwxChallenge.string(json, "type", true),
        SiwxChallenge.string(json, "signatureScheme", false));
  }
}
