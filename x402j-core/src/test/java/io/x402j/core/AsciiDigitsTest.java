package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.WireCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numbers on the wire are ASCII digits only. {@code BigInteger} and {@code Character.digit} also
 * read full-width ('１') and Arabic-Indic ('١') digits, which would give one amount, chain or
 * validity bound many spellings; each is refused with a reason naming the character.
 */
class AsciiDigitsTest {
  private static final WireCodec WIRE = WireCodec.standard();

  // A v2 /verify body whose requirement fields are substituted by the tests.
  private static final String BODY =
      "{\"x402Version\":2,\"paymentPayload\":{\"x402Version\":2,\"accepted\":%s,"
          + "\"payload\":{\"signature\":\"0x01\"}},\"paymentRequirements\":%s}";
  private static final String REQUIREMENTS =
      "{\"scheme\":\"exact\",\"network\":\"%s\",\"amount\":\"%s\","
          + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
          + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":%s}";

  @ParameterizedTest
  @CsvSource({
    "'１００００', U+FF11 at index 0",
    "'١٠٠٠٠', U+0661 at index 0",
    "'10０00', U+FF10 at index 2",
    "'१००', U+0967 at index 0",
  })
  void anAmountWithNonAsciiDigitsIsRefusedNamingTheCharacter(String text, String where) {
    assertThat(TokenAmount.check(text)).isEqualTo(TokenAmount.Problem.NOT_A_NUMBER);
    assertThatThrownBy(() -> TokenAmount.parse(text))
        .isInstanceOf(TokenAmount.InvalidAmountException.class)
        .hasMessageContaining("non-ASCII character " + where);
  }

  @ParameterizedTest
  @ValueSource(strings = {"eip155:８４５３２", "eip155:٨٤٥٣٢", "eip155:8453２"})
  void aChainIdWithNonAsciiDigitsIsRefused(String text) {
    assertThatThrownBy(() -> Network.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-ASCII character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"$０.01", "١٠٠٠٠", "0.0１ USDC", "１0000"})
  void aPriceWithNonAsciiDigitsIsRefused(String text) {
    assertThatThrownBy(() -> Price.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "eip155:８４５３２ | 10000 | 60 | network",
        "eip155:84532 | １0000 | 60 | amount",
        "eip155:84532 | 10000 | \"６０\" | maxTimeoutSeconds",
      })
  void aRequestWithNonAsciiDigitsIsMalformedNamingTheField(
      String network, String amount, String timeout, String field) {
    String requirements = String.format(REQUIREMENTS, network, amount, timeout);
    String good = String.format(REQUIREMENTS, "eip155:84532", "10000", "60");
    assertThatThrownBy(() -> WIRE.decodeFacilitatorRequest(String.format(BODY, good, requirements)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(field);
    assertThatThrownBy(() -> WIRE.decodeFacilitatorRequest(String.format(BODY, requirements, good)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(field);
  }
}
