package io.x402j.evm;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * ERC-6492 signatures of smart wallets that are not deployed yet: {@code abi.encode(address
 * factory, bytes factoryCalldata, bytes signature) ‖ MAGIC}. A verifier deploys the wallet by
 * calling {@code factory} with {@code factoryCalldata}, then checks the inner {@code signature} by
 * ERC-1271.
 */
public final class Erc6492 {
  private static final byte[] MAGIC_BYTES =
      Hex.decode("0x6492649264926492649264926492649264926492649264926492649264926492");

  /** The 32-byte suffix that marks a wrapped signature. */
  public static final Bytes32 MAGIC = Bytes32.of(MAGIC_BYTES);

  /**
   * An unwrapped ERC-6492 signature.
   *
   * @param factory the contract that deploys the wallet
   * @param factoryCalldata the call that deploys it
   * @param signature the wallet's inner (ERC-1271) signature
   */
  public record Wrapped(EvmAddress factory, byte[] factoryCalldata, byte[] signature) {
    /** Validates and copies the fields. */
    public Wrapped {
      Objects.requireNonNull(factory, "factory");
      factoryCalldata = factoryCalldata.clone();
      signature = signature.clone();
    }

    /** A copy of the factory call data. */
    @Override
    public byte[] factoryCalldata() {
      return factoryCalldata.clone();
    }

    /** A copy of the inner signature. */
    @Override
    public byte[] signature() {
      return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Wrapped w
          && factory.equals(w.factory)
          && Arrays.equals(factoryCalldata, w.factoryCalldata)
          && Arrays.equals(signature, w.signature);
    }

    @Override
    public int hashCode() {
      return Objects.hash(factory, Arrays.hashCode(factoryCalldata), Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
      return "Erc6492.Wrapped[factory="
          + factory
          + ", factoryCalldata="
          + Hex.encode(factoryCalldata)
          + ", signature="
          + Hex.encode(signature)
          + "]";
    }
  }

  private Erc6492() {}

  /** Whether {@code signature} ends with {@link #MAGIC}. */
  public static boolean isWrapped(byte[] signature) {
    return signature != null
        && signature.length >= 32
        && Arrays.equals(signature, signature.length - 32, signature.length, MAGIC_BYTES, 0, 32);
  }

  /**
   * Splits a wrapped signature.
   *
   * @throws IllegalArgumentException if it does not end with {@link #MAGIC} or its ABI encoding is
   *     malformed (an address word with high bytes set, an offset or length out of bounds, bytes
   *     left over)
   */
  public static Wrapped unwrap(byte[] signature) {
    if (!isWrapped(signature)) {
      throw new IllegalArgumentException("signature is not ERC-6492 wrapped (no magic suffix)");
    }
    byte[] body = Arrays.copyOf(signature, signature.length - 32);
    if (body.length < 3 * 32 || body.length % 32 != 0) {
      throw new IllegalArgumentException(
          "ERC-6492 wrapper is not abi.encode(address,bytes,bytes): " + body.length + " bytes");
    }
    for (int i = 0; i < 12; i++) {
      if (body[i] != 0) {
        throw new IllegalArgumentException("ERC-6492 wrapper: the factory word is not an address");
      }
    }
    EvmAddress factory = EvmAddress.of(Arrays.copyOfRange(body, 12, 32));
    int calldataOffset = offset(body, 1);
    int signatureOffset = offset(body, 2);
    if (calldataOffset != 3 * 32) {
      throw new IllegalArgumentException("ERC-6492 wrapper: factoryCalldata offset is not 96");
    }
    byte[] calldata = bytesAt(body, calldataOffset, "factoryCalldata");
    int expectedSignatureOffset = calldataOffset + 32 + padded(calldata.length);
    if (signatureOffset != expectedSignatureOffset) {
      throw new IllegalArgumentException(
          "ERC-6492 wrapper: signature offset "
              + signatureOffset
              + " is not "
              + expectedSignatureOffset);
    }
    byte[] inner = bytesAt(body, signatureOffset, "signature");
    if (signatureOffset + 32 + padded(inner.length) != body.length) {
      throw new IllegalArgumentException("ERC-6492 wrapper: bytes left over after the signature");
    }
    return new Wrapped(factory, calldata, inner);
  }

  /** Wraps {@code signature} with the call that deploys its wallet. */
  public static byte[] wrap(EvmAddress factory, byte[] factoryCalldata, byte[] signature) {
    byte[] encoded =
        Abi.arguments().address(factory).bytes(factoryCalldata).bytes(signature).encode();
    byte[] out = Arrays.copyOf(encoded, encoded.length + 32);
    System.arraycopy(MAGIC_BYTES, 0, out, encoded.length, 32);
    return out;
  }

  private static int offset(byte[] body, int word) {
    BigInteger value = Abi.decodeUint(body, word);
    if (value.bitLength() > 31 || value.intValue() % 32 != 0 || value.intValue() > body.length) {
      throw new IllegalArgumentException("ERC-6492 wrapper: bad offset in word " + word);
    }
    return value.intValue();
  }

  private static byte[] bytesAt(byte[] body, int offset, String name) {
    if (offset + 32 > body.length) {
      throw new IllegalArgumentException("ERC-6492 wrapper: " + name + " is out of bounds");
    }
    BigInteger length = new BigInteger(1, Arrays.copyOfRange(body, offset, offset + 32));
    if (length.bitLength() > 31 || offset + 32L + length.longValue() > body.length) {
      throw new IllegalArgumentException("ERC-6492 wrapper: " + name + " length is out of bounds");
    }
    int start = offset + 32;
    int end = start + length.intValue();
    for (int i = end; i < start + padded(length.intValue()); i++) {
      if (body[i] != 0) {
        throw new IllegalArgumentException("ERC-6492 wrapper: " + name + " padding is not zero");
      }
    }
    return Arrays.copyOfRange(body, start, end);
  }

  private static int padded(int length) {
    return (length + 31) / 32 * 32;
  }
}
