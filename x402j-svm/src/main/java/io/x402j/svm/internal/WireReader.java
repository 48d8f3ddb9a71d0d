package io.x402j.svm.internal;

import io.x402j.svm.SolanaDecodeException;
import java.util.Arrays;

/**
 * Reads Solana wire bytes with bounds checks: every read past the end, and every compact-u16 that
 * is not the shortest encoding of a value up to 0xffff, is a {@link SolanaDecodeException} naming
 * the field and offset.
 */
public final class WireReader {
  private final byte[] bytes;
  private int position;

  /** A reader at the start of {@code bytes} (not copied). */
  public WireReader(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Offset of the next byte. */
  public int position() {
    return position;
  }

  /** Bytes not read yet. */
  public int remaining() {
    return bytes.length - position;
  }

  /** The next byte, unsigned. */
  public int u8(String field) {
    need(1, field);
    return bytes[position++] & 0xff;
  }

  /** The next byte without consuming it. */
  public int peek(String field) {
    need(1, field);
    return bytes[position] & 0xff;
  }

  /** The next {@code length} bytes. */
  public byte[] bytes(int length, String field) {
    need(length, field);
    byte[] out = Arrays.copyOfRange(bytes, position, position + length);
    position += length;
    return out;
  }

  /**
   * A compact-u16 ("short vec" length): 1 to 3 bytes, 7 bits each, little-endian, high bit set on
   * all but the last byte. Refuses a non-minimal encoding and a value above 0xffff, as the Solana
   * runtime does.
   */
  public int compactU16(String field) {
    int start = position;
    int value = 0;
    for (int i = 0; i < 3; i++) {
      int b = u8(field);
      if (i == 2 && b > 0x03) {
        throw new SolanaDecodeException(
            field + ": compact-u16 at offset " + start + " exceeds 0xffff");
      }
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (i > 0 && b == 0) {
          throw new SolanaDecodeException(
              field + ": non-minimal compact-u16 encoding at offset " + start);
        }
        return value;
      }
    }
    // Unreachable: the third byte has no continuation bit (checked above).
    throw new SolanaDecodeException(field + ": compact-u16 at offset " + start + " exceeds 0xffff");
  }

  private void need(int length, String field) {
    if (length < 0 || length > bytes.length - position) {
      throw new SolanaDecodeException(
          field
              + ": needs "
              + length
              + " bytes at offset "
              + position
              + " but only "
              + (bytes.length - position)
              + " remain");
    }
  }

  /** Appends the compact-u16 encoding of {@code value} (0..0xffff) to {@code out}. */
  public static void writeCompactU16(java.io.ByteArrayOutputStream out, int value) {
    if (value < 0 || value > 0xffff) {
      throw new IllegalArgumentException("compact-u16 value out of range: " + value);
    }
    int rest = value;
    while (true) {
      int b = rest & 0x7f;
      rest >>>= 7;
      if (rest == 0) {
        out.write(b);
        return;
      }
      out.write(b | 0x80);
    }
  }
}
