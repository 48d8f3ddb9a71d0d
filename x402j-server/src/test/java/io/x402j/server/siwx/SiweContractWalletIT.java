package io.x402j.server.siwx;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.core.extensions.siwx.SiwxChallenge;
import io.x402j.core.extensions.siwx.SiwxProof;
import io.x402j.core.extensions.siwx.SiwxVerification;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Eip191;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Siwe;
import io.x402j.evm.SiweVerifier;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIWE sign-ins on anvil: an EOA is recovered locally; a deployed ERC-1271 wallet ({@code
 * TestSmartWallet}) is asked through {@link JsonRpcErc1271}; a wallet asked about another key's
 * signature, an account without code, a contract that reverts and contracts that answer garbage
 * (the magic with a dirty word, the magic alone in 4 bytes) are all refused, never admitted.
 */
class SiweContractWalletIT {
  static Devnet devnet;
  static SiweVerifier verifier;
  static String chainId;
  static final SecureRandom RANDOM = new SecureRandom();

  @BeforeAll
  static void start() throws Exception {
    devnet = Devnet.start(DevnetOptions.defaults());
    long id = devnet.info().chainId();
    chainId = "eip155:" + id;
    verifier = SiweVerifier.withContractWallets(new JsonRpcErc1271(Map.of(id, devnet.rpc())));
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  static SiwxProof signedBy(PrivateKeySigner key, EvmAddress claimed) {
    SiwxChallenge c =
        new SiwxChallenge(
            "api.example.com",
            "https://api.example.com/weather",
            "1",
            "a1b2c3d4e5f67890a1b2c3d4e5f67890",
            "2024-01-15T10:30:00.000Z",
            null,
            null,
            null,
            null,
            List.of("https://api.example.com/weather"));
    // The key signs the message that names the claimed address (a wallet's owner signs for it).
    String signature = Eip191.sign(key, Siwe.message(c, chainId, claimed)).toString();
    return new SiwxProof(c, claimed.toString(), chainId, "eip191", null, signature);
  }

  static SiwxVerification verify(SiwxProof proof) {
    return verifier.verify(proof).join();
  }

  @Test
  void anEoaIsRecoveredAndAContractWalletAskedOnChain() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate(RANDOM);
    EvmAddress wallet = devnet.deploySmartWallet(owner.address());

    assertThat(verify(signedBy(owner, owner.address())))
        .isEqualTo(new SiwxVerification.Valid(owner.address().toString(), false));
    assertThat(verify(signedBy(owner, wallet)))
        .isEqualTo(new SiwxVerification.Valid(wallet.toString(), true));
  }

  @Test
  void aWalletAskedAboutAnotherKeysSignatureRefuses() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate(RANDOM);
    EvmAddress wallet = devnet.deploySmartWallet(owner.address());

    SiwxVerification v = verify(signedBy(PrivateKeySigner.generate(RANDOM), wallet));

    assertThat(v).isInstanceOf(SiwxVerification.Invalid.class);
    assertThat(((SiwxVerification.Invalid) v).reason()).isEqualTo("invalid_siwx_signature");
  }

  @Test
  void noCodeRevertsAndGarbageAreRefused() throws Exception {
    PrivateKeySigner someone = PrivateKeySigner.generate(RANDOM);
    String magicWordDirty = "1626ba7e" + "00".repeat(27) + "01";
    List<String> codes =
        List.of(
            "0x", // no code: an EOA that did not sign
            "0x60006000fd", // revert(0, 0)
            "0x7f" + magicWordDirty + "60005260206000f3", // returns the magic with a dirty word
            "0x631626ba7e60e01b60005260046000f3"); // returns the magic in 4 bytes only
    for (String code : codes) {
      EvmAddress account = PrivateKeySigner.generate(RANDOM).address();
      devnet.rpc().call("anvil_setCode", account.toLowerHex(), code).join();

      SiwxVerification v = verify(signedBy(someone, account));

      assertThat(v).as(code).isInstanceOf(SiwxVerification.Invalid.class);
      assertThat(((SiwxVerification.Invalid) v).reason())
          .as(code)
          .isEqualTo("invalid_siwx_signature");
    }
  }

  @Test
  void aChainWithoutANodeIsAnErrorAnswerNotAnException() {
    SiweVerifier elsewhere =
        SiweVerifier.withContractWallets(new JsonRpcErc1271(Map.of(1L, devnet.rpc())));
    PrivateKeySigner someone = PrivateKeySigner.generate(RANDOM);

    SiwxVerification v =
        elsewhere.verify(signedBy(someone, PrivateKeySigner.generate(RANDOM).address())).join();

    assertThat(v).isInstanceOf(SiwxVerification.Invalid.class);
    assertThat(((SiwxVerification.Invalid) v).reason()).isEqualTo("invalid_siwx_verifier_error");
  }
}
