package io.x402j.evm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
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
 */
public final class Keystore {
  // Refuse work factors that would take minutes or gigabytes: a keystore file is input too.
  private static final int MAX_SCRYPT_N = 1 << 20;
  private static final int MAX_PBKDF2_ROUNDS = 10_000_000;

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
      throw new KeystoreException("unsupported cipher " + crypto.path("cipher").asText());
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

  private static byte[] deriveKey(String kdf, JsonNode params, char[] password)
      throws KeystoreException {
    byte[] salt = hex(params.path("salt"), "kdfparams.salt");
    int dklen = params.path("dklen").asInt(0);
    if (dklen != 32) {
      throw new KeystoreException("unsupported kdfparams.dklen " + dklen);
    }
    if ("scrypt".equals(kdf)) {
      int n = params.path("n").asInt(0);
      int r = params.path("r").asInt(0);
      int p = params.path("p").asInt(0);
      if (n < 2
          || n > MAX_SCRYPT_N
          || Integer.bitCount(n) != 1
          || r < 1
          || r > 32
          || p < 1
          || p > 16) {
        throw new KeystoreException("unsupported scrypt parameters n=" + n + " r=" + r + " p=" + p);
      }
      try {
        return SCrypt.generate(utf8(password), salt, n, r, p, dklen);
      } catch (IllegalArgumentException e) {
        throw new KeystoreException(
            "unsupported scrypt parameters n=" + n + " r=" + r + " p=" + p + ": " + e.getMessage());
      }
    }
    if ("pbkdf2".equals(kdf)) {
      int rounds = params.path("c").asInt(0);
      if (!"hmac-sha256".equals(params.path("prf").asText())) {
        throw new KeystoreException("unsupported pbkdf2 prf " + params.path("prf").asText());
      }
      if (rounds < 1 || rounds > MAX_PBKDF2_ROUNDS) {
        throw new KeystoreException("unsupported pbkdf2 rounds " + rounds);
      }
      PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
      generator.init(utf8(password), salt, rounds);
      return ((KeyParameter) generator.generateDerivedParameters(dklen * 8)).getKey();
    }
    throw new KeystoreException("unsupported key derivation " + kdf);
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
