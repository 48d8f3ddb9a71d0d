package io.x402j.evm.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A strict RLP decoder: canonical lengths only (no single byte below 0x80 wrapped as a string, no
 * long form for 55 bytes or fewer, no leading zeros in lengths), nothing after the top item.
 * Internal to x402j-evm.
 */
public final class Rlp {
  /**
   * A decoded item.
   *
   * @param list whether it is a list
   * @param bytes the string's bytes (empty for a list)
   * @param items the list's items (empty for a string)
   */
  public record Item(boolean list, byte[] bytes, List<Item> items) {
    /**
     * The string as a canonical unsigned integer (no leading zero bytes; empty is zero).
     *
     * @throws IllegalArgumentException naming {@code field} otherwise
     */
    public BigInteger uint(String field, int maxBytes) {
      if (list) {
        throw new IllegalArgumentException(field + " is a list, not an integer");
      }
      if (bytes.length > 0 && bytes[0] == 0) {
        throw new IllegalArgumentException(field + " has a leading zero byte (not canonical)");
      }
      if (bytes.length > maxBytes) {
        throw new IllegalArgumentException(field + " is longer than " + maxBytes + " bytes");
      }
      return new BigInteger(1, bytes);
    }

    /** The string's bytes, refusing a list. */
    public byte[] string(String field) {
      if (list) {
        throw new IllegalArgumentException(field + " is a list, not a byte string");
      }
      return bytes.clone();
    }
  }

  private final byte[] in;
  private int pos;

  private Rlp(byte[] in, int pos) {
    this.in = in;
    this.pos = pos;
  }

  /**
   * Decodes the single item in {@code input} from {@code offset} to the end.
   *
   * @throws IllegalArgumentException if it is not exactly one canonical item
   */
  public static Item decode(byte[] input, int offset) {
    Rlp rlp = new Rlp(input, offset);
    Item item = rlp.item(input.length);
    if (rlp.pos != input.length) {
      throw new IllegalArgumentException(
          "RLP: " + (input.length - rlp.pos) + " bytes after the transaction");
    }
    return item;
  }

  private Item item(int end) {
    if (pos >= end) {
      throw new IllegalArgumentException("RLP: truncated");
    }
    int prefix = in[pos] & 0xff;
    if (prefix < 0x80) {
      pos++;
      return new Item(false, new byte[] {(byte) prefix}, List.of());
    }
    if (prefix <= 0xbf) {
      int length = length(prefix, 0x80, 0xb7, end);
      byte[] bytes = Arrays.copyOfRange(in, pos, pos + length);
      if (length == 1 && (bytes[0] & 0xff) < 0x80) {
        throw new IllegalArgumentException("RLP: a single byte below 0x80 must encode itself");
      }
      pos += length;
      return new Item(false, bytes, List.of());
    }
    int length = length(prefix, 0xc0, 0xf7, end);
    int listEnd = pos + length;
    List<Item> items = new ArrayList<>();
    while (pos < listEnd) {
      items.add(item(listEnd));
    }
    return new Item(true, new byte[0], List.copyOf(items));
  }

  /** Reads the length after {@code prefix} and checks it fits before {@code end}. */
  private int length(int prefix, int base, int shortMax, int end) {
    pos++;
    long length;
    if (prefix <= shortMax) {
      length = prefix - base;
    } else {
      int lengthOfLength = prefix - shortMax;
      if (lengthOfLength > 4 || pos + lengthOfLength > end) {
        throw new IllegalArgumentException("RLP: length out of bounds");
      }
      if (in[pos] == 0) {
        throw new IllegalArgumentException("RLP: length with a leading zero");
      }
      length = 0;
      for (int i = 0; i < lengthOfLength; i++) {
        length = (length << 8) | (in[pos++] & 0xff);
      }
      if (length <= 55) {
        throw new IllegalArgumentException("RLP: long form for a short length");
      }
    }
    if (length > end - pos) {
      throw new IllegalArgumentException("RLP: item longer than its input");
    }
    return (int) length;
  }
}
