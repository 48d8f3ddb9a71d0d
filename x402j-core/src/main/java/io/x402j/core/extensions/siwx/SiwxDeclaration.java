package io.x402j.core.extensions.siwx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a 402 declares under {@code extensions["sign-in-with-x"]}: the challenge to sign and the
 * chains a sign-in is accepted on.
 *
 * @param info the challenge
 * @param supportedChains the chains, in the server's order of preference
 */
public record SiwxDeclaration(SiwxChallenge info, List<SiwxChain> supportedChains) {
  /** Validates the fields. */
  public SiwxDeclaration {
    Objects.requireNonNull(info, "info");
    supportedChains = List.copyOf(supportedChains);
  }

  /** The declaration as JSON, with the specification's schema. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("info", info.toJson());
    List<Object> chains = new ArrayList<>();
    for (SiwxChain chain : supportedChains) {
      chains.add(chain.toJson());
    }
    json.put("supportedChains", chains);
    json.put("schema", SignInWithX.schema());
    return json;
  }

  /**
   * Reads a declaration from the JSON value under {@code extensions["sign-in-with-x"]} (the schema
   * is not read).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SiwxDeclaration fromJson(Object json) {
    if (!(json instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("the sign-in-with-x declaration must be an object");
    }
    if (!(map.get("info") instanceof Map<?, ?> info)) {
      throw new IllegalArgumentException("the sign-in-with-x declaration has no info object");
    }
    if (!(map.get("supportedChains") instanceof List<?> chains)) {
      throw new IllegalArgumentException("the sign-in-with-x declaration has no supportedChains");
    }
    List<SiwxChain> parsed = new ArrayList<>();
    for (Object chain : chains) {
      if (!(chain instanceof Map<?, ?> c)) {
        throw new IllegalArgumentException("supportedChains entries must be objects");
      }
      parsed.add(SiwxChain.fromJson(c));
    }
    return new SiwxDeclaration(SiwxChallenge.fromJson(info), parsed);
  }
}
