package io.x402j.core.extensions.siwx;

import java.util.concurrent.CompletableFuture;

/**
 * Checks the signature of a sign-in for one chain family: rebuilds the message the wallet signed
 * from the proof's fields and verifies the signature against the proof's address. It checks nothing
 * else (domain, times, nonce and policy are the server's). Implementations are thread-safe.
 */
public interface SiwxVerifier {
  /** Whether this verifier handles {@code chainId} (e.g. every {@code eip155:*} chain). */
  boolean supports(String chainId);

  /**
   * Verifies {@code proof}'s signature. The future fails only on a bug; an unreachable chain node
   * is an {@link SiwxVerification.Invalid} answer with reason {@code invalid_siwx_verifier_error}.
   */
  CompletableFuture<SiwxVerification> verify(SiwxProof proof);
}
