package io.x402j.evm;

import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxSigner;
import java.util.Objects;

/**
 * Signs in with an Ethereum account: the challenge as an EIP-4361 message, signed with {@code
 * personal_sign} (EIP-191) by the account's key.
 */
public final class SiweSigner implements SiwxSigner {
  private final Signer signer;

  /** Signs in as {@code signer}'s address. */
  public SiweSigner(Signer signer) {
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** The account that signs in. */
  public EvmAddress address() {
    return signer.address();
  }

  @Override
  public boolean supports(SiwxChain chain) {
    return chain.chainId().startsWith("eip155:") && SignInWithX.TYPE_EIP191.equals(chain.type());
  }

  @Override
  public SiwxProof sign(SiwxChallenge challenge, SiwxChain chain) {
    if (!supports(chain)) {
      throw new IllegalArgumentException(
          "an Ethereum account cannot sign in on " + chain.chainId() + " (" + chain.type() + ")");
    }
    String message = Siwe.message(challenge, chain.chainId(), signer.address());
    Signature signature = Eip191.sign(signer, message);
    return new SiwxProof(
        challenge,
        signer.address().toString(),
        chain.chainId(),
        chain.type(),
        null,
        signature.toString());
  }

  @Override
  public String toString() {
    return "SiweSigner[" + signer.address() + "]";
  }
}
