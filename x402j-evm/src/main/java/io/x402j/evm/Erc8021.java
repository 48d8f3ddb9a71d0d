package io.x402j.evm;

import io.x402j.core.extensions.BuilderCode;
import io.x402j.core.extensions.BuilderCode.Attribution;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * ERC-8021 Schema 2 attribution suffixes ({@code builder-code}): {@code [cbor{a?,w?,s?}][cbor
 * length, u16 big-endian][0x02][0x8021 × 8]}, appended to a transaction's calldata. Contracts
 * decode their arguments by offset and ignore trailing bytes, so the suffix never changes what the
 * call does; indexers read it from the end of the input.
 *
 * <p>The CBOR is the minimal subset the spec needs (a map of text keys to text or to an array of
 * text), written in the order {@code a}, {@code w}, {@code s} with definite lengths, byte for byte
 * as {@code @x402/extensions} encodes it.
 */
public final class Erc8021 {
  /** The 16-byte marker that ends every ERC-8021 suffix. */
  private static final byte[] MARKER = {
    (byte) 0x80, 0x21, (byte) 0x80, 0x21, (byte) 0x80, 0x21, (byte) 0x80, 0x21,
    (byte) 0x80, 0x21, (byte) 0x80, 0x21, (byte) 0x80, 0x21, (byte) 0x80, 0x21
  };

  /** Schema 2: CBOR. */
  public static final int SCHEMA_2 = 2;

  private static final int MAJOR_TEXT = 3;
  private static final int MAJOR_ARRAY = 4;
  private static final int MAJOR_MAP = 5;

  private Erc8021() {}

  /** The suffix for an attribution (which must not be empty). */
  public static byte[] suffix(Attribution attribution) {
    if (attribution.isEmpty()) {
      throw new IllegalArgumentException("an ERC-8021 suffix needs at least one code");
    }
    ByteArrayOutputStream cbor = new ByteArrayOutputStream();
    int entries =
        (attribution.a() != null ? 1 : 0)
            + (attribution.w() != null ? 1 : 0)
            + (attribution.s().isEmpty() ? 0 : 1);
    head(cbor, MAJOR_MAP, entries);
    if (attribution.a() != null) {
      text(cbor, "a");
      text(cbor, attribution.a());
    }
    if (attribution.w() != null) {
      text(cbor, "w");
      text(cbor, attribution.w());
    }
    if (!attribution.s().isEmpty()) {
      text(cbor, "s");
      head(cbor, MAJOR_ARRAY, attribution.s().size());
      for (String code : attribution.s()) {
        text(cbor, code);
      }
    }
    byte[] data = cbor.toByteArray();
    byte[] out = new byte[data.length + 2 + 1 + MARKER.length];
    System.arraycopy(data, 0, out, 0, data.length);
    out[data.length] = (byte) (data.length >>> 8);
    out[data.length + 1] = (byte) data.length;
    out[data.length + 2] = SCHEMA_2;
    System.arraycopy(MARKER, 0, out, data.length + 3, MARKER.length);
    return out;
  }

  /** {@code calldata} with the attribution's suffix appended. */
  public static byte[] append(byte[] calldata, Attribution attribution) {
    byte[] suffix = suffix(attribution);
    byte[] out = Arrays.copyOf(calldata, calldata.length + suffix.length);
    System.arraycopy(suffix, 0, out, calldata.length, suffix.length);
    return out;
  }

  /**
   * The Schema 2 attribution at the end of {@code calldata}, or empty when the input does not end
   * with a well-formed one (no marker, another schema, a length that does not fit, CBOR outside the
   * subset, invalid codes).
   */
  public static Optional<Attribution> parse(byte[] calldata) {
    int n = calldata.length;
    if (n < MARKER.length + 3
        || !Arrays.equals(calldata, n - MARKER.length, n, MARKER, 0, MARKER.length)
        || calldata[n - MARKER.length - 1] != SCHEMA_2) {
      return Optional.empty();
    }
    int length =
        ((calldata[n - MARKER.length - 3] & 0xff) << 8) | (calldata[n - MARKER.length - 2] & 0xff);
    int start = n - MARKER.length - 3 - length;
    if (start < 0) {
      return Optional.empty();
    }
    try {
      Reader r = new Reader(Arrays.copyOfRange(calldata, start, start + length));
      int entries = r.head(MAJOR_MAP);
      String a = null;
      String w = null;
      List<String> s = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        String key = r.text();
        switch (key) {
          case "a":
            a = r.text();
            break;
          case "w":
            w = r.text();
            break;
          case "s":
            int count = r.head(MAJOR_ARRAY);
            for (int j = 0; j < count; j++) {
              s.add(r.text());
            }
            break;
          default:
            return Optional.empty();
        }
      }
      if (!r.atEnd()) {
        return Optional.empty();
      }
      return Optional.of(new Attribution(a, s, w));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  private static void head(ByteArrayOutputStream out, int major, int value) {
    int mt = major << 5;
    if (value <= 23) {
      out.write(mt | value);
    } else if (value <= 0xff) {
      out.write(mt | 24);
      out.write(value);
    } else {
      out.write(mt | 25);
      out.write(value >>> 8);
      out.write(value & 0xff);
    }
  }

  private static void text(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    head(out, MAJOR_TEXT, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  /** Reads the subset {@link #suffix} writes; anything else is an IllegalArgumentException. */
  private static final class Reader {
    private final byte[] in;
    private int at;

    Reader(byte[] in) {
      this.in = in;
    }

    int head(int major) {
      int b = in[at++] & 0xff;
      if (b >>> 5 != major) {
        throw new IllegalArgumentException("unexpected CBOR major type");
      }
      int info = b & 0x1f;
      if (info <= 23) {
        return info;
      }
      if (info == 24) {
        return in[at++] & 0xff;
      }
      if (info == 25) {
        int v = ((in[at] & 0xff) << 8) | (in[at + 1] & 0xff);
        at += 2;
        return v;
      }
      throw new IllegalArgumentException("unsupported CBOR length");
    }

    String text() {
      int length = head(MAJOR_TEXT);
      if (at + length > in.length) {
        throw new IllegalArgumentException("CBOR text past the end");
      }
      String value = new String(in, at, length, StandardCharsets.US_ASCII);
      for (int i = at; i < at + length; i++) {
        if (in[i] < 0) {
          throw new IllegalArgumentException("non-ASCII builder code");
        }
      }
      at += length;
      if (!BuilderCode.isValidCode(value)) {
        // keys are single letters and valid codes too; anything else is not an attribution
        throw new IllegalArgumentException("invalid builder code");
      }
      return value;
    }

    boolean atEnd() {
      return at == in.length;
    }
  }
}
