package io.x402j.core.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void quotingLeavesNoCharacterThatCouldForgeOrHideALogLine() {
    String hostile =
        "0xabc\n2026-11-28 INFO settled\r\u0085\u2028\u2029\u202e\u2066\u009b31m' OR '1";

    String quoted = Text.quote(hostile);

    assertThat(quoted)
        .startsWith("'0xabc\\u000a2026-11-28 INFO settled\\u000d\\u0085\\u2028\\u2029\\u202e")
        .endsWith("\\u0027 OR \\u00271'");
    for (char c : quoted.toCharArray()) {
      assertThat(c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x2028 && c <= 0x202e)
          .as("U+%04X", (int) c)
          .isFalse();
    }
  }

  @Test
  void ordinaryTextIsQuotedAsItIs() {
    assertThat(Text.quote("0x857b06519E91e3A54538791bDbb0E22373e36b66"))
        .isEqualTo("'0x857b06519E91e3A54538791bDbb0E22373e36b66'");
    assertThat(Text.quote(null)).isEqualTo("null");
  }
}
