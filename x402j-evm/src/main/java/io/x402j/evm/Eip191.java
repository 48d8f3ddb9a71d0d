package io.x402j.evm;

import java.nio.charset.StandardCharsets;

/**
 * EIP-191 version {@code 0x45} ({@code personal_sign}): the hash a wallet signs for a text message,
 * {@code keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message)} over the UTF-8
 * bytes.
 */
public final class Eip191 {
  private Eip191() {}

  /** The hash of {@code message} (UTF-8) as {@code personal_sign} signs it. */
  public static Bytes32 hash(String message) {
    return hash(message.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of {@code message} as {@code personal_sign} signs it. */
  public static Bytes32 hash(byte[] message) {
    byte[] prefix =
        ("\u0019Ethereum Signed Message:\n" + message.length).getBytes(StandardCharsets.US_ASCII);
    return Bytes32.of(Keccak.hash(prefix, message));
  }

  /** Signs {@code message} as {@code personal_sign} does. */
  public static Signature sign(Signer signer, String message) {
    return signer.sign(hash(message));
  }
}
