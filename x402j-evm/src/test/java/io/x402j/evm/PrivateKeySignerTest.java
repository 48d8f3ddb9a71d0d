package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.evm.internal.BouncyCastleSecp256k1;
import io.x402j.evm.internal.Keystore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateKeySignerTest {
  // Anvil's first development account: a public, well-known key.
  static final String ANVIL_KEY_0 =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final String ANVIL_ADDRESS_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  @Test
  void derivesTheAddressOfAKnownKey() {
    assertThat(PrivateKeySigner.fromHex(ANVIL_KEY_0).address())
        .isEqualTo(EvmAddress.parse(ANVIL_ADDRESS_0));
    assertThat(PrivateKeySigner.fromHex(ANVIL_KEY_0.substring(2)).address().toString())
        .isEqualTo(ANVIL_ADDRESS_0);
  }

  @Test
  void signaturesRecoverToTheSignerAndHaveLowS() {
    PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());
    for (int i = 0; i < 50; i++) {
      Bytes32 hash = Bytes32.random(new SecureRandom());
      Signature signature = signer.sign(hash);
      assertThat(signature.isHighS()).isFalse();
      assertThat(signature.recoverSigner(new BouncyCastleSecp256k1(), hash))
          .isEqualTo(signer.address());
    }
  }

  @Test
  void neverRevealsTheKey() {
    PrivateKeySigner signer = PrivateKeySigner.fromHex(ANVIL_KEY_0);
    assertThat(signer.toString()).contains(ANVIL_ADDRESS_0).doesNotContain("ac0974bec");

    String almostKey = ANVIL_KEY_0.substring(0, 60);
    assertThatThrownBy(() -> PrivateKeySigner.fromHex(almostKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ac0974bec");
    assertThatThrownBy(() -> PrivateKeySigner.fromHex("0x" + "0".repeat(64)))
        .hasMessageContaining("outside the secp256k1 range");
    assertThatThrownBy(() -> PrivateKeySigner.fromEnvironment("X402J_TEST_UNSET_VARIABLE"))
        .hasMessageContaining("X402J_TEST_UNSET_VARIABLE is not set");
  }

  @Test
  void loadsAKeyFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, ANVIL_KEY_0 + "\n");
    assertThat(PrivateKeySigner.fromFile(file).address().toString()).isEqualTo(ANVIL_ADDRESS_0);

    Files.writeString(file, "not a key");
    assertThatThrownBy(() -> PrivateKeySigner.fromFile(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not 32 bytes");
  }

  @Test
  void opensTheKeystoreSpecificationTestVectors() throws Exception {
    Path file = Path.of(getClass().getResource("/keystore/pbkdf2.json").toURI());
    PrivateKeySigner signer = PrivateKeySigner.fromKeystore(file, "testpassword".toCharArray());
    assertThat(signer.address().toLowerHex())
        .isEqualTo("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
    assertThat(signer.exportPrivateKeyHex())
        .isEqualTo("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");

    // The original scrypt vector uses r=1 with a cost RFC 7914 forbids: refused, clearly.
    Path r1 = Path.of(getClass().getResource("/keystore/scrypt-r1.json").toURI());
    assertThatThrownBy(() -> PrivateKeySigner.fromKeystore(r1, "testpassword".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported scrypt parameters n=262144 r=1 p=8");
  }

  @Test
  void wrongPasswordsAndBrokenFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
    Path vector = Path.of(getClass().getResource("/keystore/pbkdf2.json").toURI());
    assertThatThrownBy(() -> PrivateKeySigner.fromKeystore(vector, "testpassworD".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wrong password");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"nope\":true}");
    assertThatThrownBy(() -> PrivateKeySigner.fromKeystore(broken, "x".toCharArray()))
        .hasMessageContaining("not a version 3 keystore");
    Files.writeString(broken, "not json at all");
    assertThatThrownBy(() -> PrivateKeySigner.fromKeystore(broken, "x".toCharArray()))
        .hasMessageContaining("not a JSON keystore");
  }

  @Test
  void keystoresWeWriteOpenAgain(@TempDir Path dir) throws Exception {
    PrivateKeySigner original = PrivateKeySigner.fromHex(ANVIL_KEY_0);
    ObjectMapper mapper = new ObjectMapper();
    Path file = dir.resolve("key.json");
    mapper.writeValue(
        file.toFile(),
        Keystore.encrypt(
            mapper,
            Hex.decode(original.exportPrivateKeyHex()),
            original.address().toString(),
            "s3cret".toCharArray(),
            1024,
            new SecureRandom()));

    assertThat(Files.readString(file)).doesNotContain("ac0974bec");
    assertThat(PrivateKeySigner.fromKeystore(file, "s3cret".toCharArray()).address())
        .isEqualTo(original.address());
  }

  @Test
  void savedKeystoresAreOwnerOnlyAndNeverOverwritten(@TempDir Path dir) throws Exception {
    PrivateKeySigner original = PrivateKeySigner.fromHex(ANVIL_KEY_0);
    Path file = dir.resolve("wallet.json");

    original.saveKeystore(file, "s3cret".toCharArray(), 1024);

    assertThat(PrivateKeySigner.fromKeystore(file, "s3cret".toCharArray()).address())
        .isEqualTo(original.address());
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThatThrownBy(() -> original.saveKeystore(file, "other".toCharArray(), 1024))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    assertThatThrownBy(() -> original.saveKeystore(dir.resolve("x.json"), new char[0], 1024))
        .hasMessageContaining("password must not be empty");
  }

  @Test
  void exportIsExplicit() {

    assertThat(PrivateKeySigner.fromHex(ANVIL_KEY_0).exportPrivateKeyHex()).isEqualTo(ANVIL_KEY_0);
  }
}
