package io.x402j.svm;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.siwx.SiwxChain;
import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxVerification;
import io.x402j.core.support.Base58;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SIWS sign-ins: what a key signs verifies; any other field, address or key does not. */
class SiwsTest {
  static final SolanaKeypair KEY = SolanaKeypair.fromSeed(new byte[32]);
  static final SiwxChain DEVNET = SiwxChain.of("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
  static final SiwxChallenge CHALLENGE =
      new SiwxChallenge(
          "api.example.com",
          "https://api.example.com/x",
          "1",
          "a1b2c3d4e5f67890a1b2c3d4e5f67890",
          "2024-01-15T10:30:00.000Z",
          null,
          null,
          "Sign in",
          null,
          List.of("https://api.example.com/x"));

  static SiwxVerification verify(SiwxProof p) {
    return new SiwsVerifier().verify(p).join();
  }

  @Test
  void aSignedChallengeVerifiesAndAnythingChangedDoesNot() {
    SiwxProof proof = new SiwsSigner(KEY).sign(CHALLENGE, DEVNET);
    assertThat(verify(proof))
        .isEqualTo(new SiwxVerification.Valid(KEY.address().toString(), false));

    SiwxChallenge other =
        new SiwxChallenge(
            "api.example.com",
            CHALLENGE.uri(),
            "1",
            CHALLENGE.nonce(),
            CHALLENGE.issuedAt(),
            null,
            null,
            "Sign in!",
            null,
            CHALLENGE.resources());
    assertThat(
            verify(
                new SiwxProof(
                    other,
                    proof.address(),
                    proof.chainId(),
                    proof.type(),
                    null,
                    proof.signature())))
        .isInstanceOf(SiwxVerification.Invalid.class);
    String someoneElse =
        SolanaKeypair.fromSeed(
                new byte[] {
                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                  24, 25, 26, 27, 28, 29, 30, 31, 32
                })
            .address()
            .toString();
    assertThat(
            verify(
                new SiwxProof(
                    CHALLENGE,
                    someoneElse,
                    proof.chainId(),
                    proof.type(),
                    null,
                    proof.signature())))
        .isInstanceOf(SiwxVerification.Invalid.class);
    assertThat(
            verify(
                new SiwxProof(
                    CHALLENGE,
                    proof.address(),
                    "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
                    proof.type(),
                    null,
                    proof.signature())))
        .as("signed for devnet, shown for mainnet")
        .isInstanceOf(SiwxVerification.Invalid.class);
  }

  @Test
  void aSmallOrderKeyWithAnAllZeroSignatureIsRefused() {
    // The identity point as a key and R = identity, s = 0: "valid" for every message without care.
    byte[] identity = new byte[32];
    identity[0] = 1;
    byte[] signature = new byte[64];
    signature[0] = 1;
    SiwxProof forged =
        new SiwxProof(
            CHALLENGE,
            Base58.encode(identity),
            DEVNET.chainId(),
            DEVNET.type(),
            null,
            Base58.encode(signature));

    SiwxVerification v = verify(forged);

    assertThat(v).isInstanceOf(SiwxVerification.Invalid.class);
    assertThat(((SiwxVerification.Invalid) v).reason()).isEqualTo("invalid_siwx_signature");
  }

  @Test
  void malformedSignaturesAreAnswersNotExceptions() {
    for (String sig : List.of("0OIl", "", "1", "0x" + "ab".repeat(64))) {
      if (sig.isEmpty()) {
        continue; // an empty signature is refused by SiwxProof itself
      }
      SiwxVerification v =
          verify(
              new SiwxProof(
                  CHALLENGE, KEY.address().toString(), DEVNET.chainId(), DEVNET.type(), null, sig));
      assertThat(v).as(sig).isInstanceOf(SiwxVerification.Invalid.class);
    }
  }
}
