package io.x402j.evm;

import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxVerification;
import io.x402j.core.extensions.siwx.SiwxVerifier;
import io.x402j.core.support.Futures;
import io.x402j.core.support.Text;
import io.x402j.evm.spi.Secp256k1Backend;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies Sign-In with Ethereum proofs: rebuilds the EIP-4361 message from the proof and checks
 * the {@code personal_sign} signature. A signature that recovers to the address is accepted at once
 * (an EOA); otherwise, when contract wallets are enabled, the address is asked on the proof's chain
 * whether it accepts the signature (ERC-1271). ERC-6492 signatures of undeployed wallets are
 * refused: the wallet must be deployed to sign in.
 */
public final class SiweVerifier implements SiwxVerifier {
  private final Erc1271 contracts;
  private final Secp256k1Backend backend;

  private SiweVerifier(Erc1271 contracts) {
    this.contracts = contracts;
    this.backend = Secp256k1Backend.best();
  }

  /** A verifier of EOA signatures only; contract wallets are refused. */
  public static SiweVerifier eoaOnly() {
    return new SiweVerifier(null);
  }

  /** A verifier of EOA signatures and of contract wallets through {@code contracts}. */
  public static SiweVerifier withContractWallets(Erc1271 contracts) {
    return new SiweVerifier(java.util.Objects.requireNonNull(contracts, "contracts"));
  }

  @Override
  public boolean supports(String chainId) {
    return chainId.startsWith("eip155:");
  }

  @Override
  public CompletableFuture<SiwxVerification> verify(SiwxProof proof) {
    long chainId;
    EvmAddress address;
    String message;
    byte[] signature;
    try {
      chainId = Siwe.chainId(proof.chainId());
      address = EvmAddress.parse(proof.address());
      message = Siwe.message(proof.challenge(), proof.chainId(), address);
    } catch (IllegalArgumentException e) {
      return done(new SiwxVerification.Invalid("invalid_siwx_message", e.getMessage()));
    }
    String sig = proof.signature();
    if (!sig.startsWith("0x")
        || Text.nonAscii(sig) != null
        || !Hex.isHexDigits(sig, 2)
        || sig.length() % 2 != 0) {
      return done(
          new SiwxVerification.Invalid(
              "invalid_siwx_malformed_signature", "the signature is not 0x-prefixed hex"));
    }
    signature = Hex.decode(sig);
    if (Erc6492.isWrapped(signature)) {
      return done(
          new SiwxVerification.Invalid(
              "invalid_siwx_signature",
              "ERC-6492 signatures (of a wallet not deployed yet) are not accepted for sign-in;"
                  + " deploy the wallet first"));
    }
    Bytes32 hash = Eip191.hash(message);
    if (signature.length == 65 && recoversTo(signature, hash, address)) {
      return done(new SiwxVerification.Valid(address.toString(), false));
    }
    if (contracts == null) {
      return done(
          new SiwxVerification.Invalid(
              "invalid_siwx_signature",
              "the signature does not recover to "
                  + address
                  + " (contract wallets are not"
                  + " accepted by this server)"));
    }
    CompletableFuture<Boolean> answer;
    try {
      answer = contracts.isValidSignature(chainId, address, hash, signature);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.handle(
        (valid, error) -> {
          if (error != null) {
            return new SiwxVerification.Invalid(
                "invalid_siwx_verifier_error",
                "the wallet contract "
                    + address
                    + " could not be asked on "
                    + proof.chainId()
                    + ": "
                    + Futures.unwrap(error).getClass().getSimpleName());
          }
          return Boolean.TRUE.equals(valid)
              ? new SiwxVerification.Valid(address.toString(), true)
              : new SiwxVerification.Invalid(
                  "invalid_siwx_signature",
                  "the signature does not recover to "
                      + address
                      + " and the address accepts it as no contract wallet (ERC-1271)");
        });
  }

  private boolean recoversTo(byte[] signature, Bytes32 hash, EvmAddress address) {
    Signature parsed;
    try {
      parsed = Signature.parse(Hex.encode(signature));
    } catch (IllegalArgumentException e) {
      return false;
    }
    return address.equals(parsed.recoverSigner(backend, hash));
  }

  private static CompletableFuture<SiwxVerification> done(SiwxVerification v) {
    return CompletableFuture.completedFuture(v);
  }
}
