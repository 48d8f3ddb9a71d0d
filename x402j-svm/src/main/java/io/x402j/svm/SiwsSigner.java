package io.x402j.svm;

import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxSigner;
import io.x402j.core.support.Base58;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Signs in with a Solana account: the challenge as a SIWS message, signed with Ed25519. */
public final class SiwsSigner implements SiwxSigner {
  private final SvmSigner signer;

  /** Signs in as {@code signer}'s address. */
  public SiwsSigner(SvmSigner signer) {
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** The account that signs in. */
  public SolanaAddress address() {
    return signer.address();
  }

  @Override
  public boolean supports(SiwxChain chain) {
    return chain.chainId().startsWith("solana:") && SignInWithX.TYPE_ED25519.equals(chain.type());
  }

  @Override
  public SiwxProof sign(SiwxChallenge challenge, SiwxChain chain) {
    if (!supports(chain)) {
      throw new IllegalArgumentException(
          "a Solana account cannot sign in on " + chain.chainId() + " (" + chain.type() + ")");
    }
    String message = Siws.message(challenge, chain.chainId(), signer.address());
    byte[] signature = signer.sign(message.getBytes(StandardCharsets.UTF_8));
    return new SiwxProof(
        challenge,
        signer.address().toString(),
        chain.chainId(),
        chain.type(),
        null,
        Base58.encode(signature));
  }

  @Override
  public String toString() {
    return "SiwsSigner[" + signer.address() + "]";
  }
}
