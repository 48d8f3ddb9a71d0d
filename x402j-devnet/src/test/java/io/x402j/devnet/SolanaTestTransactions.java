package io.x402j.devnet;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Builds the smallest real Solana transactions for the devnet's tests (a legacy System Program
 * transfer signed with the JDK's Ed25519), so these tests need no Solana library.
 */
final class SolanaTestTransactions {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private SolanaTestTransactions() {}

  static byte[] base58Decode(String text) {
    BigInteger value = BigInteger.ZERO;
    for (char c : text.toCharArray()) {
      int digit = ALPHABET.indexOf(c);
      if (digit < 0) {
        throw new IllegalArgumentException("not base58: " + c);
      }
      value = value.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(digit));
    }
    byte[] raw = value.toByteArray();
    int strip = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    if (value.signum() == 0) {
      raw = new byte[0];
      strip = 0;
    }
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] out = new byte[zeros + raw.length - strip];
    System.arraycopy(raw, strip, out, zeros, raw.length - strip);
    return out;
  }

  static String base58Encode(byte[] bytes) {
    BigInteger value = new BigInteger(1, bytes);
    StringBuilder out = new StringBuilder();
    BigInteger base = BigInteger.valueOf(58);
    while (value.signum() > 0) {
      BigInteger[] qr = value.divideAndRemainder(base);
      out.append(ALPHABET.charAt(qr[1].intValue()));
      value = qr[0];
    }
    for (int i = 0; i < bytes.length && bytes[i] == 0; i++) {
      out.append('1');
    }
    return out.reverse().toString();
  }

  /**
   * A signed legacy transaction moving {@code lamports} from the key {@code fromSecret} (base58 64
   * bytes) to {@code to}, with {@code blockhash}; base64. {@code badSignature} flips a bit of it.
   */
  static String transfer(
      String fromSecret, String to, long lamports, String blockhash, boolean badSignature)
      throws GeneralSecurityException {
    byte[] secret = base58Decode(fromSecret);
    byte[] from = Arrays.copyOfRange(secret, 32, 64);
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.write(1); // required signatures
    message.write(0); // read-only signed
    message.write(1); // read-only unsigned (the System Program)
    message.write(3);
    message.writeBytes(from);
    message.writeBytes(base58Decode(to));
    message.writeBytes(new byte[32]); // System Program
    message.writeBytes(base58Decode(blockhash));
    message.write(1); // one instruction
    message.write(2); // program index
    message.write(2); // two accounts
    message.write(0);
    message.write(1);
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(2).putLong(lamports);
    message.write(12);
    message.writeBytes(data.array());
    byte[] messageBytes = message.toByteArray();

    PrivateKey key =
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(
                new EdECPrivateKeySpec(NamedParameterSpec.ED25519, Arrays.copyOf(secret, 32)));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update(messageBytes);
    byte[] signature = signer.sign();
    if (badSignature) {
      signature[5] ^= 1;
    }
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.write(1);
    wire.writeBytes(signature);
    wire.writeBytes(messageBytes);
    return Base64.getEncoder().encodeToString(wire.toByteArray());
  }

  /** The signature (transaction id) of a base64 transaction with one signature. */
  static String signatureOf(String base64) {
    return base58Encode(Arrays.copyOfRange(Base64.getDecoder().decode(base64), 1, 65));
  }
}
