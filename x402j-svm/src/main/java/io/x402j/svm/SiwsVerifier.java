package io.x402j.svm;

import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxVerification;
import io.x402j.core.extensions.siwx.SiwxVerifier;
import io.x402j.core.support.Base58;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies Sign-In with Solana proofs: rebuilds the SIWS message from the proof and checks the
 * Ed25519 signature (as the Solana runtime does: keys and R of small order refused).
 */
public final class SiwsVerifier implements SiwxVerifier {
  /** A verifier. */
  public SiwsVerifier() {}

  @Override
  public boolean supports(String chainId) {
    return chainId.startsWith("solana:");
  }

  @Override
  public CompletableFuture<SiwxVerification> verify(SiwxProof proof) {
    return CompletableFuture.completedFuture(check(proof));
  }

  private static SiwxVerification check(SiwxProof proof) {
    SolanaAddress address;
    byte[] signature;
    try {
      address = SolanaAddress.parse(proof.address());
      signature = Base58.decode(proof.signature(), 64, "signature");
    } catch (IllegalArgumentException e) {
      return new SiwxVerification.Invalid("invalid_siwx_malformed_signature", e.getMessage());
    }
    String message;
    try {
      message = Siws.message(proof.challenge(), proof.chainId(), address);
    } catch (IllegalArgumentException e) {
      return new SiwxVerification.Invalid("invalid_siwx_chain_id", e.getMessage());
    }
    if (!address.toString().equals(proof.address())) {
      return new SiwxVerification.Invalid(
          "invalid_siwx_malformed_signature", "the address is not in canonical base58");
    }
    if (!Ed25519.verify(address, message.getBytes(StandardCharsets.UTF_8), signature)) {
      return new SiwxVerification.Invalid(
          "invalid_siwx_signature", "the Ed25519 signature is not " + address + "'s");
    }
    return new SiwxVerification.Valid(address.toString(), false);
  }
}
