package io.x402j.cli;

import io.x402j.evm.PrivateKeySigner;
import io.x402j.svm.SolanaKeypair;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the payer's key comes from: an environment variable or a keystore, never a flag. */
final class KeyOptions {
  @Option(
      names = "--key-env",
      paramLabel = "VAR",
      defaultValue = "X402J_PRIVATE_KEY",
      description = "Environment variable holding the hex private key (default ${DEFAULT-VALUE}).")
  String keyEnv;

  @Option(
      names = "--keystore",
      paramLabel = "FILE",
      description = "An encrypted JSON keystore instead (password asked, or --password-env).")
  Path keystore;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the keystore password.")
  String passwordEnv;

  @Option(
      names = "--svm-key-env",
      paramLabel = "VAR",
      defaultValue = SVM_KEY_ENV,
      description =
          "Environment variable holding a Solana key, the base58 64-byte secret (default"
              + " ${DEFAULT-VALUE}).")
  String svmKeyEnv = SVM_KEY_ENV;

  /** Where the Solana key is looked up by default. */
  static final String SVM_KEY_ENV = "X402J_SVM_PRIVATE_KEY";

  /** Whether an EVM key is given: a keystore, or the key variable set. */
  boolean hasEvmKey(Map<String, String> env) {
    String hex = env.get(keyEnv);
    return keystore != null || (hex != null && !hex.isBlank());
  }

  /**
   * The Solana key, when its variable is set.
   *
   * @throws IllegalArgumentException when it is set to something that is not a key; never repeating
   *     the secret
   */
  Optional<SolanaKeypair> svmSigner(Map<String, String> env) {
    String secret = env.get(svmKeyEnv);
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SolanaKeypair.fromBase58Secret(secret.strip()));
    } catch (IllegalArgumentException e) {
      // svm-core's messages never contain the secret
      throw new IllegalArgumentException(
          svmKeyEnv
              + " does not hold a usable Solana key (a base58 64-byte secret): "
              + e.getMessage());
    }
  }

  /**
   * The signer.
   *
   * @throws IllegalArgumentException naming what is missing; never repeating a secret
   */
  PrivateKeySigner signer(Map<String, String> env, Console console) throws IOException {
    if (keystore != null) {
      return PrivateKeySigner.fromKeystore(
          keystore, password(env, console, "Password for " + keystore + ": "));
    }
    String hex = env.get(keyEnv);
    if (hex == null || hex.isBlank()) {
      throw new IllegalArgumentException(
          "no key: set " + keyEnv + " to a hex private key, or give --keystore FILE");
    }
    try {
      return PrivateKeySigner.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keyEnv + " does not hold a usable key: " + e.getMessage());
    }
  }

  /** The keystore password from {@code --password-env}, else asked on the console. */
  char[] password(Map<String, String> env, Console console, String prompt) {
    if (passwordEnv != null) {
      String value = env.get(passwordEnv);
      if (value == null) {
        throw new IllegalArgumentException(
            "the environment variable " + passwordEnv + " is not set");
      }
      return value.toCharArray();
    }
    if (console == null) {
      throw new IllegalArgumentException(
          "no terminal to ask the keystore password on: give --password-env VAR");
    }
    char[] password = console.readPassword(prompt);
    if (password == null) {
      throw new IllegalArgumentException("no password given");
    }
    return password;
  }
}
