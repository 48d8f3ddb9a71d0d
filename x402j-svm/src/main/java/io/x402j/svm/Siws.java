package io.x402j.svm;

import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.support.Text;
import java.util.regex.Pattern;

/**
 * Sign-In with Solana messages for the {@code sign-in-with-x} extension: the text a wallet signs
 * (Ed25519 over its UTF-8 bytes), built from a challenge, a chain and an address exactly as the
 * official {@code @x402/extensions} package builds it.
 */
public final class Siws {
  private static final Pattern CHAIN = Pattern.compile("solana:[-_A-Za-z0-9]{1,32}");

  private Siws() {}

  /**
   * The chain reference of a CAIP-2 {@code solana:<reference>} chain (the genesis hash prefix).
   *
   * @throws IllegalArgumentException if {@code chainId} is not one
   */
  public static String chainReference(String chainId) {
    if (chainId == null || !CHAIN.matcher(chainId).matches()) {
      throw new IllegalArgumentException(
          "chainId " + Text.quote(chainId) + " is not solana:<reference>");
    }
    return chainId.substring("solana:".length());
  }

  /**
   * The SIWS message for {@code challenge} signed by {@code address} on {@code chainId}.
   *
   * @throws IllegalArgumentException if {@code chainId} is not a Solana chain
   */
  public static String message(SiwxChallenge challenge, String chainId, SolanaAddress address) {
    String reference = chainReference(chainId);
    StringBuilder out =
        new StringBuilder(challenge.domain())
            .append(" wants you to sign in with your Solana account:\n")
            .append(address)
            .append("\n\n");
    if (present(challenge.statement())) {
      out.append(challenge.statement()).append("\n\n");
    }
    out.append("URI: ").append(challenge.uri());
    out.append("\nVersion: ").append(challenge.version());
    out.append("\nChain ID: ").append(reference);
    out.append("\nNonce: ").append(challenge.nonce());
    out.append("\nIssued At: ").append(challenge.issuedAt());
    if (present(challenge.expirationTime())) {
      out.append("\nExpiration Time: ").append(challenge.expirationTime());
    }
    if (present(challenge.notBefore())) {
      out.append("\nNot Before: ").append(challenge.notBefore());
    }
    if (present(challenge.requestId())) {
      out.append("\nRequest ID: ").append(challenge.requestId());
    }
    if (challenge.resources() != null && !challenge.resources().isEmpty()) {
      out.append("\nResources:");
      for (String resource : challenge.resources()) {
        out.append("\n- ").append(resource);
      }
    }
    return out.toString();
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }
}
