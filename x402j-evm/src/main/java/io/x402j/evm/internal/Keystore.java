package io.x402j.evm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.support.Text;
import io.x402j.evm.Hex;
import io.x402j.evm.Keccak;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Web3 Secret Storage (JSON keystore version 3): scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR and a
 * Keccak MAC. Not part of the x402j API.
 *
 * <p>A keystore file is input too: its key-derivation parameters are bounded before any work, so
 * that a hostile file cannot ask for gigabytes of memory or minutes of CPU. The bounds accept what
 * geth, web3 and ethers write (scrypt n=262144 r=8 p=1, the light n=4096 r=8 p=6; PBKDF2 with
 * c=262144): scrypt needs 128·n·r bytes, at most 256 MiB here, and n·r·p at most 2^23 rounds of
 * work.
 */
public final class Keystore {
  static final int MAX_SCRYPT_N = 1 << 20;
  static final int MAX_SCRYPT_R = 32;
  static final int MAX_SCRYPT_P = 16;
  static final long MAX_SCRYPT_BYTES = 256L << 20;
  static final long MAX_SCRYPT_WORK = 1L << 23;
  static final int MAX_PBKDF2_ROUNDS = 1 << 22;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private Keystore() {}

  /** A keystore that could not be opened; the message never contains key material. */
  public static final class KeystoreException extends Exception {
    private static final long serialVersionUID = 1L;

    KeystoreException(String message) {
      super(message);
    }
  }

  /**
   * Decrypts a keystore.
   *
   * @return the 32-byte private key
   * @throws KeystoreException for a wrong password or an unsupported or malformed keystore
   */
  public static byte[] decrypt(JsonNode keystore, char[] password) throws KeystoreException {
    JsonNode crypto = keystore.has("crypto") ? keystore.get("crypto") : keystore.get("Crypto");
    if (crypto == null || !crypto.isObject()) {
      throw new KeystoreException("not a version 3 keystore (no crypto section)");
    }
    if (!"aes-128-ctr".equals(crypto.path("cipher").asText())) {
      throw new KeystoreException(
          "unsupported cipher " + Text.quote(crypto.path("cipher").asText()));
    }
    byte[] iv = hex(crypto.path("cipherparams").path("iv"), "cipherparams.iv");
    byte[] ciphertext = hex(crypto.path("ciphertext"), "ciphertext");
    byte[] mac = hex(crypto.path("mac"), "mac");
    byte[] derived = deriveKey(crypto.path("kdf").asText(), crypto.path("kdfparams"), password);
    byte[] expectedMac = Keccak.hash(Arrays.copyOfRange(derived, 16, 32), ciphertext);
    if (!MessageDigest.isEqual(expectedMac, mac)) {
      throw new KeystoreException("wrong password (MAC mismatch)");
    }
    byte[] key = aes(Cipher.DECRYPT_MODE, Arrays.copyOf(derived, 16), iv, ciphertext);
    if (key.length != 32) {
      throw new KeystoreException("keystore holds a key of " + key.length + " bytes, not 32");
    }
    return key;
  }

  /**
   * Encrypts a private key with scrypt ({@code n}, r=8, p=1).
   *
   * @param n the scrypt cost; 262144 is the common standard, tests may use less
   */
  public static ObjectNode encrypt(
      ObjectMapper mapper,
      byte[] privateKey,
      String address,
      char[] password,
      int n,
      SecureRandom random) {
    byte[] salt = new byte[32];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] derived = SCrypt.generate(utf8(password), salt, n, 8, 1, 32);
    byte[] ciphertext = aesUnchecked(Arrays.copyOf(derived, 16), iv, privateKey);
    byte[] mac = Keccak.hash(Arrays.copyOfRange(derived, 16, 32), ciphertext);

    ObjectNode root = mapper.createObjectNode();
    root.put("address", address.startsWith("0x") ? address.substring(2).toLowerCase() : address);
    ObjectNode crypto = root.putObject("crypto");
    crypto.put("cipher", "aes-128-ctr");
    crypto.putObject("cipherparams").put("iv", Hex.encode(iv).substring(2));
    crypto.put("ciphertext", Hex.encode(ciphertext).substring(2));
    crypto.put("kdf", "scrypt");
    ObjectNode params = crypto.putObject("kdfparams");
    params.put("dklen", 32).put("n", n).put("r", 8).put("p", 1);
    params.put("salt", Hex.encode(salt).substring(2));
    crypto.put("mac", Hex.encode(mac).substring(2));
    root.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
    root.put("version", 3);
    return root;
  }

  /**
   * Writes {@code content} to {@code file}, which must not exist yet, creating it readable and
   * writable by its owner only (on POSIX file systems) from the first instant: there is no moment
   * when another user could open it. A file that cannot be written completely is removed again.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists; it is left alone
   * @throws IOException if it cannot be written
   */
  public static void writeNew(Path file, byte[] content) throws IOException {
    FileChannel channel = createOwnerOnly(file);
    boolean complete = false;
    try (channel) {
      ByteBuffer bytes = ByteBuffer.wrap(content);
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
      complete = true;
    } finally {
      if (!complete) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** Creates {@code file} (never an existing one) owner-only, open for writing. */
  static FileChannel createOwnerOnly(Path file) throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<Set<PosixFilePermission>> ownerOnly =
        PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    try {
      return FileChannel.open(file, options, ownerOnly);
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(file, options); // not a POSIX file system: its defaults apply
    }
  }

  private static byte[] deriveKey(String kdf, JsonNode params, char[] password)
      throws KeystoreException {
    byte[] salt = hex(params.path("salt"), "kdfparams.salt");
    int dklen = integer(params, "dklen");
    if (dklen != 32) {
      throw new KeystoreException("kdfparams.dklen is " + dklen + "; only 32 is supported");
    }
    if ("scrypt".equals(kdf)) {
      int n = integer(params, "n");
      int r = integer(params, "r");
      int p = integer(params, "p");
      checkScrypt(n, r, p);
      try {
        return SCrypt.generate(utf8(password), salt, n, r, p, dklen);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(
            "unsupported scrypt parameters n=" + n + " r=" + r + " p=" + p + ": " + e.getMessage());
      }
    }
    if ("pbkdf2".equals(kdf)) {
      if (!"hmac-sha256".equals(params.path("prf").asText())) {
        throw new KeystoreException(
            "unsupported kdfparams.prf " + Text.quote(params.path("prf").asText()));
      }
      int rounds = integer(params, "c");
      if (rounds < 1 || rounds > MAX_PBKDF2_ROUNDS) {
        throw new KeystoreException(
            "kdfparams.c is " + rounds + "; it must be from 1 to " + MAX_PBKDF2_ROUNDS);
      }
      PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
      generator.init(utf8(password), salt, rounds);
      return ((KeyParameter) generator.generateDerivedParameters(dklen * 8)).getKey();
    }
    throw new KeystoreException("unsupported key derivation " + Text.quote(kdf));
  }

  /** Refuses scrypt parameters that would take too much memory or work, naming the parameter. */
  static void checkScrypt(int n, int r, int p) throws KeystoreException {
    if (n < 2 || n > MAX_SCRYPT_N || Integer.bitCount(n) != 1) {
      throw new KeystoreException(
          "kdfparams.n is " + n + "; it must be a power of two from 2 to " + MAX_SCRYPT_N);
    }
    if (r < 1 || r > MAX_SCRYPT_R) {
      throw new KeystoreException("kdfparams.r is " + r + "; it must be from 1 to " + MAX_SCRYPT_R);
    }
    if (p < 1 || p > MAX_SCRYPT_P) {
      throw new KeystoreException("kdfparams.p is " + p + "; it must be from 1 to " + MAX_SCRYPT_P);
    }
    long bytes = 128L * n * r;
    if (bytes > MAX_SCRYPT_BYTES) {
      throw new KeystoreException(
          "kdfparams.n="
              + n
              + " with kdfparams.r="
              + r
              + " would need "
              + (bytes >> 20)
              + " MiB of memory; at most "
              + (MAX_SCRYPT_BYTES >> 20)
              + " MiB is allowed");
    }
    if ((long) n * r * p > MAX_SCRYPT_WORK) {
      throw new KeystoreException(
          "kdfparams.n="
              + n
              + ", r="
              + r
              + ", p="
              + p
              + " ask for too much work (n·r·p above "
              + MAX_SCRYPT_WORK
              + ")");
    }
  }

  /** A whole number that fits an int, or an error naming the parameter; never truncated. */
  private static int integer(JsonNode params, String name) throws KeystoreException {
    JsonNode value = params.get(name);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new KeystoreException(
          "kdfparams."
              + name
              + " must be a whole number, got "
              + (value == null ? "nothing" : Text.quote(value.toString())));
    }
    return value.intValue();
  }

  private static byte[] hex(JsonNode node, String field) throws KeystoreException {
    try {
      return Hex.decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw new KeystoreException("keystore field " + field + " is not hex");
    }
  }

  private static byte[] utf8(char[] password) {
    return new String(password).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] aes(int mode, byte[] key, byte[] iv, byte[] input)
      throws KeystoreException {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new KeystoreException("keystore cipher parameters are invalid");
    }
  }

  private static byte[] aesUnchecked(byte[] key, byte[] iv, byte[] input) {
    try {
      return aes(Cipher.ENCRYPT_MODE, key, iv, input);
    } catch (KeystoreException e) {
      throw new IllegalStateException(e.getMessage());
    }
  }
}
