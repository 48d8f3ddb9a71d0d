package io.x402j.evm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.evm.Hex;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keystore files: written owner-only from the start, read with bounded work. */
class KeystoreTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] KEY =
      Hex.decode("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  static final char[] PASSWORD = "s3cret".toCharArray();

  static ObjectNode cheapKeystore() {
    return Keystore.encrypt(JSON, KEY, "0xf39f", PASSWORD, 1024, new SecureRandom());
  }

  /** A keystore whose kdfparams were changed by {@code edit}. */
  static ObjectNode tampered(Consumer<ObjectNode> edit) {
    ObjectNode keystore = cheapKeystore();
    edit.accept((ObjectNode) keystore.path("crypto").path("kdfparams"));
    return keystore;
  }

  @Test
  void aNewKeystoreFileIsOwnerOnlyBeforeAByteIsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("wallet.json");
    try (FileChannel created = Keystore.createOwnerOnly(file)) {
      assertThat(created.size()).isZero();
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void writeNewNeverOverwrites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("wallet.json");
    Keystore.writeNew(file, "{\"first\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    assertThatThrownBy(() -> Keystore.writeNew(file, "{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("{\"first\":1}");
  }

  @Test
  void theUsualParametersOpen() throws Exception {
    assertThat(Keystore.decrypt(cheapKeystore(), PASSWORD)).isEqualTo(KEY);
    // geth's standard and light parameters, and ethers' default, are within the bounds.
    Keystore.checkScrypt(262_144, 8, 1);
    Keystore.checkScrypt(4096, 8, 6);
    Keystore.checkScrypt(131_072, 8, 1);
  }

  @Test
  void scryptParametersAreBoundedBeforeAnyWork() {
    assertRefused(tampered(p -> p.put("r", 33)), "kdfparams.r is 33");
    assertRefused(tampered(p -> p.put("p", 17)), "kdfparams.p is 17");
    assertRefused(tampered(p -> p.put("n", 1000)), "kdfparams.n is 1000");
    assertRefused(tampered(p -> p.put("n", 1 << 21)), "kdfparams.n is 2097152");
    // r=32 with n=2^20 would take 4 GiB.
    assertRefused(tampered(p -> p.put("n", 1 << 20).put("r", 32)), "would need 4096 MiB of memory");
    assertRefused(
        tampered(p -> p.put("n", 1 << 18).put("r", 8).put("p", 16)), "ask for too much work");
    assertRefused(tampered(p -> p.put("dklen", 64)), "kdfparams.dklen is 64");
  }

  @Test
  void parametersAreWholeNumbersNeverTruncated() {
    // 2^32 + 1024 used to be read as 1024, and the keystore opened.
    assertRefused(
        tampered(p -> p.put("n", BigInteger.ONE.shiftLeft(32).add(BigInteger.valueOf(1024)))),
        "kdfparams.n must be a whole number");
    assertRefused(tampered(p -> p.put("n", "1024")), "kdfparams.n must be a whole number");
    assertRefused(tampered(p -> p.put("r", 8.5)), "kdfparams.r must be a whole number");
    assertRefused(tampered(p -> p.remove("p")), "kdfparams.p must be a whole number, got nothing");
  }

  @Test
  void pbkdf2RoundsAreBounded() {
    ObjectNode keystore = cheapKeystore();
    ObjectNode crypto = (ObjectNode) keystore.path("crypto");
    crypto.put("kdf", "pbkdf2");
    ObjectNode params = (ObjectNode) crypto.path("kdfparams");
    params.remove("n");
    params.remove("r");
    params.remove("p");
    params.put("prf", "hmac-sha256").put("c", 5_000_000);
    assertRefused(keystore, "kdfparams.c is 5000000");
  }

  static void assertRefused(ObjectNode keystore, String message) {
    assertThatThrownBy(() -> Keystore.decrypt(keystore, PASSWORD))
        .isInstanceOf(Keystore.KeystoreException.class)
        .hasMessageContaining(message);
  }
}
