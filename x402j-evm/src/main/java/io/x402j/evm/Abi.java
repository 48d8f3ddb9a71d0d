package io.x402j.evm;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The slice of the Solidity ABI x402j needs: encoding calls with static words ({@code address},
 * {@code uint256}, {@code bytes32}, {@code uint8}, {@code bool}) and dynamic {@code bytes} and
 * {@code string}, and decoding return values. Part of the x402j API: strict by design, for code
 * that builds on x402j-evm.
 */
public final class Abi {
  private static final byte[] ERROR_SELECTOR = {0x08, (byte) 0xc3, 0x79, (byte) 0xa0};

  private final List<byte[]> heads = new ArrayList<>();
  private final List<byte[]> tails = new ArrayList<>();
  private final List<Integer> dynamicIndexes = new ArrayList<>();
  private final byte[] selector;

  private Abi(byte[] selector) {
    this.selector = selector;
  }

  /** Starts a call of {@code signature}, e.g. {@code balanceOf(address)}. */
  public static Abi call(String signature) {
    return new Abi(selector(signature));
  }

  /** Starts encoding arguments without a selector (constructor arguments). */
  public static Abi arguments() {
    return new Abi(new byte[0]);
  }

  /** The 4-byte selector of a function signature. */
  public static byte[] selector(String signature) {
    return Arrays.copyOf(Keccak.hash(signature), 4);
  }

  /** Appends an address. */
  public Abi address(EvmAddress address) {
    byte[] word = new byte[32];
    System.arraycopy(address.toBytes(), 0, word, 12, 20);
    heads.add(word);
    return this;
  }

  /** Appends a uint256 (or any unsigned integer type). */
  public Abi uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    heads.add(word(value));
    return this;
  }

  /** Appends a uint256. */
  public Abi uint(long value) {
    return uint(BigInteger.valueOf(value));
  }

  /** Appends a bytes32. */
  public Abi bytes32(byte[] value) {
    if (value.length != 32) {
      throw new IllegalArgumentException("bytes32 needs 32 bytes");
    }
    heads.add(value.clone());
    return this;
  }

  /** Appends dynamic bytes. */
  public Abi bytes(byte[] value) {
    dynamicIndexes.add(heads.size());
    heads.add(null);
    tails.add(padded(value));
    return this;
  }

  /** Appends a string. */
  public Abi string(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The encoded call data (or arguments). */
  public byte[] encode() {
    int headSize = heads.size() * 32;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(selector);
    int tailOffset = headSize;
    int tailIndex = 0;
    List<byte[]> orderedTails = new ArrayList<>();
    for (int i = 0; i < heads.size(); i++) {
      if (heads.get(i) == null) {
        out.writeBytes(word(BigInteger.valueOf(tailOffset)));
        byte[] tail = tails.get(tailIndex++);
        orderedTails.add(tail);
        tailOffset += tail.length;
      } else {
        out.writeBytes(heads.get(i));
      }
    }
    orderedTails.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] padded(byte[] value) {
    int words = (value.length + 31) / 32;
    byte[] out = new byte[32 + words * 32];
    System.arraycopy(word(BigInteger.valueOf(value.length)), 0, out, 0, 32);
    System.arraycopy(value, 0, out, 32, value.length);
    return out;
  }

  /** {@code value} as a 32-byte big-endian word. */
  public static byte[] word(BigInteger value) {
    return unsigned(value, 32);
  }

  /**
   * The unsigned big-endian bytes of {@code value}, left-padded with zeros to {@code length}.
   *
   * @throws IllegalArgumentException if the value is negative or does not fit
   */
  public static byte[] unsigned(BigInteger value, int length) {
    if (value.signum() < 0 || value.bitLength() > length * 8) {
      throw new IllegalArgumentException("value does not fit in " + length + " unsigned bytes");
    }
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int start = raw.length > length ? raw.length - length : 0;
    System.arraycopy(raw, start, out, length - (raw.length - start), raw.length - start);
    return out;
  }

  /** The unsigned integer in word {@code index} of return data. */
  public static BigInteger decodeUint(byte[] data, int index) {
    requireWords(data, index + 1);
    return new BigInteger(1, Arrays.copyOfRange(data, index * 32, index * 32 + 32));
  }

  /** The bool in word {@code index} of return data. */
  public static boolean decodeBool(byte[] data, int index) {
    return decodeUint(data, index).signum() != 0;
  }

  /** The address in word {@code index} of return data. */
  public static EvmAddress decodeAddress(byte[] data, int index) {
    requireWords(data, index + 1);
    return EvmAddress.of(Arrays.copyOfRange(data, index * 32 + 12, index * 32 + 32));
  }

  /** The string whose offset is in word {@code index} of return data. */
  public static String decodeString(byte[] data, int index) {
    BigInteger offset = decodeUint(data, index);
    if (offset.bitLength() > 31 || offset.intValue() % 32 != 0) {
      throw new IllegalArgumentException("bad string offset");
    }
    int at = offset.intValue() / 32;
    BigInteger length = decodeUint(data, at);
    if (length.bitLength() > 31 || 32L * (at + 1) + length.longValue() > data.length) {
      throw new IllegalArgumentException("bad string length");
    }
    int start = (at + 1) * 32;
    return new String(data, start, length.intValue(), StandardCharsets.UTF_8);
  }

  private static void requireWords(byte[] data, int words) {
    if (data.length < words * 32) {
      throw new IllegalArgumentException(
          "return data has " + data.length + " bytes, need " + words * 32);
    }
  }

  /** The message of a Solidity {@code Error(string)} revert, or {@code null} for other data. */
  public static String revertReason(byte[] data) {
    if (data == null
        || data.length < 4 + 64
        || !Arrays.equals(Arrays.copyOf(data, 4), ERROR_SELECTOR)) {
      return null;
    }
    try {
      return decodeString(Arrays.copyOfRange(data, 4, data.length), 0);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
