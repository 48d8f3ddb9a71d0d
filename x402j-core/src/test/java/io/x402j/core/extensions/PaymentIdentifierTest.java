package io.x402j.core.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.extensions.PaymentIdentifierExtension.Echo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaymentIdentifierTest {
  @Test
  void boundaryLengthsAreAcceptedAndOneBeyondRefused() {
    assertThat(PaymentIdentifier.isValid("a".repeat(16))).isTrue();
    assertThat(PaymentIdentifier.isValid("a".repeat(128))).isTrue();
    assertThatThrownBy(() -> PaymentIdentifier.parse("a".repeat(15)))
        .hasMessageContaining("16 to 128 characters, got 15");
    assertThatThrownBy(() -> PaymentIdentifier.parse("a".repeat(129)))
        .hasMessageContaining("got 129");
    assertThatThrownBy(() -> PaymentIdentifier.parse(null)).hasMessageContaining("required");
  }

  @Test
  void onlyAsciiLettersDigitsDashAndUnderscorePass() {
    assertThat(PaymentIdentifier.isValid("pay_ABC-def_0123456789")).isTrue();
    // Unicode digits and look-alikes, whitespace, controls: each named by position and code point.
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_١٢٣٤٥٦٧٨٩٠١٢٣٤"))
        .hasMessageContaining("character 5 (U+0661)");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_１２３４５６７８９０１２"))
        .hasMessageContaining("U+FF11");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_аbcdefghijklmn")) // Cyrillic а
        .hasMessageContaining("U+0430");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_abcdefghijklm "))
        .hasMessageContaining("U+0020");
    assertThatThrownBy(() -> PaymentIdentifier.parse(" pay_abcdefghijklm"))
        .hasMessageContaining("character 1");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_abcdefghij\nklm"))
        .hasMessageContaining("U+000A")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay_abcdefghijklſ"))
        .hasMessageContaining("U+017F");
    assertThatThrownBy(() -> PaymentIdentifier.parse("pay.abcdefghijklmn"))
        .hasMessageContaining("U+002E");
  }

  @Test
  void idsDifferingInCaseAreDifferentIds() {
    // The specification's pattern is case-sensitive; every valid id has one spelling.
    assertThat(PaymentIdentifier.parse("pay_ABCDEFGHIJKLMN"))
        .isNotEqualTo(PaymentIdentifier.parse("pay_abcdefghijklmn"));
    assertThat(PaymentIdentifier.parse("pay_abcdefghijklmn"))
        .isEqualTo(PaymentIdentifier.parse(new String("pay_abcdefghijklmn")));
  }

  @Test
  void generatedIdsHaveThePrefixAndDoNotRepeat() {
    Set<PaymentIdentifier> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      PaymentIdentifier id = PaymentIdentifier.generate();
      assertThat(id.value()).matches("pay_[0-9a-f]{32}");
      assertThat(seen.add(id)).isTrue();
    }
    assertThat(PaymentIdentifier.generate("txn_").value()).startsWith("txn_");
    assertThatThrownBy(() -> PaymentIdentifier.generate("bad prefix "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void declarationIsInfoAndSchema() {
    Map<String, Object> d = PaymentIdentifierExtension.declaration(true);
    assertThat(d.get("info")).isEqualTo(Map.of("required", true));
    assertThat(d.get("schema")).isEqualTo(PaymentIdentifierExtension.schema());
    assertThat(PaymentIdentifierExtension.declared(Map.of("payment-identifier", d)))
        .contains(new PaymentIdentifierExtension.Declaration(true));
    assertThat(
            PaymentIdentifierExtension.declared(
                Map.of("payment-identifier", Map.of("info", Map.of("required", "yes")))))
        .isEmpty();
    assertThat(PaymentIdentifierExtension.declared(Map.of())).isEmpty();
    assertThat(PaymentIdentifierExtension.declared(null)).isEmpty();
  }

  @Test
  void echoKeepsTheDeclarationAndAddsTheId() {
    Map<String, Object> declared =
        new LinkedHashMap<>(PaymentIdentifierExtension.declaration(false));
    declared.put("other", "kept");
    PaymentIdentifier id = PaymentIdentifier.generate();
    Map<String, Object> echo = PaymentIdentifierExtension.echo(declared, id);
    assertThat(echo.get("info")).isEqualTo(Map.of("required", false, "id", id.value()));
    assertThat(echo.get("other")).isEqualTo("kept");
    assertThat(PaymentIdentifierExtension.read(Map.of("payment-identifier", echo)))
        .isEqualTo(new Echo.Identified(id));
  }

  @Test
  void readNamesWhatIsWrong() {
    assertThat(PaymentIdentifierExtension.read(null)).isEqualTo(new Echo.Absent());
    assertThat(PaymentIdentifierExtension.read(Map.of("bazaar", Map.of())))
        .isEqualTo(new Echo.Absent());
    assertThat(
            PaymentIdentifierExtension.read(
                Map.of("payment-identifier", Map.of("info", Map.of("required", true)))))
        .isEqualTo(new Echo.Absent());
    assertThat(PaymentIdentifierExtension.read(Map.of("payment-identifier", "x")))
        .isEqualTo(new Echo.Malformed("extensions.payment-identifier must be an object"));
    assertThat(PaymentIdentifierExtension.read(Map.of("payment-identifier", Map.of())))
        .isEqualTo(new Echo.Malformed("extensions.payment-identifier.info must be an object"));
    assertThat(
            PaymentIdentifierExtension.read(
                Map.of("payment-identifier", Map.of("info", Map.of("id", "pay_abcdefghijklmn")))))
        .isEqualTo(
            new Echo.Malformed("extensions.payment-identifier.info.required must be a boolean"));
    assertThat(
            PaymentIdentifierExtension.read(
                Map.of("payment-identifier", Map.of("info", Map.of("required", true, "id", 7L)))))
        .isEqualTo(new Echo.Malformed("extensions.payment-identifier.info.id must be a string"));
    Echo shortId =
        PaymentIdentifierExtension.read(
            Map.of("payment-identifier", Map.of("info", Map.of("required", true, "id", "short"))));
    assertThat(shortId).isInstanceOf(Echo.Malformed.class);
    assertThat(((Echo.Malformed) shortId).problem())
        .startsWith("extensions.payment-identifier.info.id: ")
        .contains("got 5");
  }
}
