package io.x402j.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Base58Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void knownVectors() {
    assertThat(Base58.encode(new byte[0])).isEmpty();
    assertThat(Base58.encode(HEX.parseHex("0000"))).isEqualTo("11");
    assertThat(Base58.encode("Hello World!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThat(Base58.encode(HEX.parseHex("00000000287fb4cd"))).isEqualTo("1111233QC4");
    assertThat(HEX.formatHex(Base58.decode("1111233QC4"))).isEqualTo("00000000287fb4cd");
    assertThat(Base58.decode("11111111111111111111111111111111")).hasSize(32).containsOnly(0);
  }

  @Test
  void roundTripsEveryLeadingZeroCount() {
    for (int zeros = 0; zeros < 5; zeros++) {
      byte[] bytes = new byte[zeros + 3];
      bytes[zeros] = 1;
      bytes[zeros + 2] = (byte) 0xff;
      assertThat(Base58.decode(Base58.encode(bytes))).isEqualTo(bytes);
    }
  }

  @Test
  void refusesCharactersOutsideTheAlphabet() {
    for (String bad : new String[] {"0abc", "Oabc", "Iabc", "labc", "ab c", "abc\n", "+abc"}) {
      assertThatThrownBy(() -> Base58.decode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid base58 character");
    }
  }

  @Test
  void refusesNonAsciiDigitsThatLookLikeAlphabetCharacters() {
    // Arabic-Indic two, fullwidth A, Cyrillic a
    for (String bad : new String[] {"\u0662abc", "\uff21bc", "\u0430bc"}) {
      assertThatThrownBy(() -> Base58.decode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("U+");
    }
  }

  @Test
  void refusesEmptyAndHugeText() {
    assertThatThrownBy(() -> Base58.decode("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Base58.decode("2".repeat(5000))).hasMessageContaining("too long");
  }

  @Test
  void leadingZeroSpellingsAreDistinctValuesNotAliases() {
    // "1" is the zero byte: an extra leading 1 adds a byte, so an address with one is refused.
    String system = "11111111111111111111111111111111";
    assertThatThrownBy(() -> Base58.decode("1" + system, 32, "address"))
        .hasMessageContaining("32 bytes");
    String token = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    assertThatThrownBy(() -> Base58.decode("1" + token, 32, "address"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Base58.encode(Base58.decode(system, 32, "address"))).isEqualTo(system);
    assertThat(Base58.decodeOrNull("1" + system, 64)).hasSize(33);
  }

  @Test
  void decodeOrNullAnswersNullForWhatDecodeRefuses() {
    assertThat(Base58.decodeOrNull(null, 64)).isNull();
    assertThat(Base58.decodeOrNull("", 64)).isNull();
    assertThat(Base58.decodeOrNull("0OIl", 64)).isNull();
    assertThat(Base58.decodeOrNull("2".repeat(65), 64)).isNull();
    assertThat(Base58.decodeOrNull("\u0661\u0662", 64)).as("Arabic-Indic digits").isNull();
    assertThat(Base58.decodeOrNull("2g", 64)).containsExactly(Base58.decode("2g"));
  }

  /** Byte arithmetic against the textbook BigInteger conversion, on random lengths and zeros. */
  @Test
  void agreesWithBigIntegerArithmetic() {
    java.util.Random random = new java.util.Random(58);
    String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    for (int n = 0; n < 3000; n++) {
      byte[] bytes = new byte[random.nextInt(80)];
      random.nextBytes(bytes);
      int zeros = bytes.length == 0 ? 0 : random.nextInt(Math.min(bytes.length, 4) + 1);
      java.util.Arrays.fill(bytes, 0, zeros, (byte) 0);
      StringBuilder expected = new StringBuilder();
      java.math.BigInteger value = new java.math.BigInteger(1, bytes);
      while (value.signum() > 0) {
        java.math.BigInteger[] qr = value.divideAndRemainder(java.math.BigInteger.valueOf(58));
        expected.append(alphabet.charAt(qr[1].intValue()));
        value = qr[0];
      }
      for (int z = 0; z < bytes.length && bytes[z] == 0; z++) {
        expected.append('1');
      }
      String text = expected.reverse().toString();
      assertThat(Base58.encode(bytes)).isEqualTo(text);
      if (!text.isEmpty()) {
        assertThat(Base58.decode(text)).isEqualTo(bytes);
      }
    }
  }
}
