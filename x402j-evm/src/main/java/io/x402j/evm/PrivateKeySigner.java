package io.x402j.evm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.evm.internal.Keystore;
import io.x402j.evm.spi.Secp256k1Backend;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Signer} holding a secp256k1 private key in memory. Load it from an environment variable,
 * a file, or an encrypted JSON keystore (V3); never from a command-line argument, which other users
 * of the machine can read. No method, message or {@code toString} reveals the key.
 */
public final class PrivateKeySigner implements Signer {
  private final byte[] key;
  private final EvmAddress address;
  private final Secp256k1Backend backend;

  private PrivateKeySigner(byte[] key, Secp256k1Backend backend) {
    this.key = key;
    this.backend = backend;
    this.address = EvmAddress.fromPublicKey(backend.publicKey(key));
  }

  /**
   * The signer of a 32-byte private key in hex, with or without {@code 0x}.
   *
   * @throws IllegalArgumentException if it is not a valid key; the message does not repeat it
   */
  public static PrivateKeySigner fromHex(String hexKey) {
    Objects.requireNonNull(hexKey, "private key");
    String trimmed = hexKey.strip();
    if (!trimmed.startsWith("0x")) {
      trimmed = "0x" + trimmed;
    }
    if (!Hex.isHex(trimmed, 32)) {
      throw new IllegalArgumentException("private key is not 32 bytes (64 hex digits)");
    }
    return fromBytes(Hex.decode(trimmed));
  }

  /**
   * The signer of a 32-byte private key.
   *
   * @throws IllegalArgumentException if the key is zero or not below the curve order
   */
  public static PrivateKeySigner fromBytes(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("private key must be 32 bytes");
    }
    BigInteger k = new BigInteger(1, key);
    if (k.signum() == 0 || k.compareTo(Signature.CURVE_ORDER) >= 0) {
      throw new IllegalArgumentException("private key is outside the secp256k1 range");
    }
    return new PrivateKeySigner(key.clone(), Secp256k1Backend.best());
  }

  /**
   * The signer whose hex key is in environment variable {@code name}.
   *
   * @throws IllegalArgumentException if the variable is unset or holds no valid key
   */
  public static PrivateKeySigner fromEnvironment(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    try {
      return fromHex(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "environment variable " + name + " does not hold a valid private key: " + e.getMessage());
    }
  }

  /**
   * The signer whose hex key is the content of {@code file}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it holds no valid key
   */
  public static PrivateKeySigner fromFile(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromHex(content);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "file " + file + " does not hold a valid private key: " + e.getMessage());
    }
  }

  /**
   * The signer of an encrypted JSON keystore (Web3 Secret Storage, version 3: scrypt or PBKDF2), as
   * geth, Foundry's {@code cast wallet} and most wallets export.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a V3 keystore or the password is wrong
   */
  public static PrivateKeySigner fromKeystore(Path file, char[] password) throws IOException {
    JsonNode keystore;
    try {
      keystore = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("file " + file + " is not a JSON keystore");
    }
    try {
      return fromBytes(Keystore.decrypt(keystore, password));
    } catch (Keystore.KeystoreException e) {
      throw new IllegalArgumentException("cannot open keystore " + file + ": " + e.getMessage());
    }
  }

  /**
   * Writes this key to {@code file} as an encrypted JSON keystore (Web3 Secret Storage v3, scrypt
   * n=262144), readable by {@link #fromKeystore} and by other wallets. An existing file is never
   * overwritten; on POSIX systems the new one is created readable by its owner only (it is never
   * readable by others, not even for an instant).
   *
   * @throws IOException if the file exists or cannot be written
   */
  public void saveKeystore(Path file, char[] password) throws IOException {
    saveKeystore(file, password, 262_144);
  }

  /** {@link #saveKeystore(Path, char[])} with another scrypt cost (for tests). */
  void saveKeystore(Path file, char[] password, int scryptN) throws IOException {
    if (password.length == 0) {
      throw new IllegalArgumentException("the keystore password must not be empty");
    }
    ObjectMapper mapper = new ObjectMapper();
    byte[] json =
        mapper.writeValueAsBytes(
            Keystore.encrypt(
                mapper, key, address().toLowerHex(), password, scryptN, new SecureRandom()));
    Keystore.writeNew(file, json); // owner-only from its creation, never over an existing file
  }

  /** A signer with a new random key. */
  public static PrivateKeySigner generate(SecureRandom random) {
    byte[] key = new byte[32];
    while (true) {
      random.nextBytes(key);
      BigInteger k = new BigInteger(1, key);
      if (k.signum() > 0 && k.compareTo(Signature.CURVE_ORDER) < 0) {
        return new PrivateKeySigner(key, Secp256k1Backend.best());
      }
    }
  }

  /**
   * The private key in hex. Only for exporting a key the user asked to create or see (for example
   * {@code x402j wallet new}); never log it.
   */
  public String exportPrivateKeyHex() {
    return Hex.encode(key);
  }

  @Override
  public EvmAddress address() {
    return address;
  }

  @Override
  public Signature sign(Bytes32 hash) {
    byte[] raw = backend.sign(hash.toBytes(), key);
    return Signature.of(
        new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(raw, 32, 64)),
        raw[64] + 27);
  }

  /** Shows the address only. */
  @Override
  public String toString() {
    return "PrivateKeySigner[" + address + "]";
  }
}
