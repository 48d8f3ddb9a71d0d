package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every form of a handler's settlement amount, resolved against a ceiling, and every hostile one
 * refused with a message saying what is wrong: never more than the ceiling, never a rounded dollar,
 * never a non-ASCII digit.
 */
class SettlementOverrideTest {
  static final Asset USDC =
      NetworkRegistry.defaults().defaultAsset(Network.evm(84532)).orElseThrow();
  static final Asset NOT_USD = new Asset("0x" + "ab".repeat(20), "WETH", 18, null, null, false);

  static TokenAmount resolve(String amount, long ceiling) {
    return SettlementOverride.amount(amount).resolve(TokenAmount.of(ceiling), USDC);
  }

  @ParameterizedTest
  @CsvSource({
    "2500, 10000, 2500",
    "0, 10000, 0",
    "10000, 10000, 10000",
    "0002500, 10000, 2500",
    "$0.0025, 10000, 2500",
    "$0.01, 10000, 10000",
    "$0, 10000, 0",
    "$0.000001, 10000, 1",
    "50%, 10000, 5000",
    "50%, 10001, 5000",
    "33.33%, 100, 33",
    "33.33%, 1000000, 333300",
    "0.01%, 10000, 1",
    "0.01%, 99, 0",
    "100%, 10000, 10000",
    "100.00%, 10000, 10000",
    "50.%, 10000, 5000",
    "0%, 10000, 0",
  })
  void everyFormResolvesExactly(String amount, long ceiling, long expected) {
    assertThat(resolve(amount, ceiling)).isEqualTo(TokenAmount.of(expected));
  }

  @Test
  void atomicHelperAndHeaderRoundTrip() {
    assertThat(SettlementOverride.atomic(42).resolve(TokenAmount.of(100), null))
        .isEqualTo(TokenAmount.of(42));
    SettlementOverride o = SettlementOverride.amount("$0.0025");
    assertThat(o.toHeader()).isEqualTo("{\"amount\":\"$0.0025\"}");
    assertThat(SettlementOverride.parseHeader(o.toHeader())).contains(o);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1",
        "$-1",
        "-50%",
        "101%",
        "100.01%",
        "1000%",
        "50.123%",
        "１２",
        "٢٥",
        "$０.01",
        "５0%",
        "2500 ",
        " 2500",
        "2.5",
        "1e3",
        "$1e3",
        "0x10",
        "+5",
        "",
        "$",
        "%",
        "$.5",
        "$5.",
        "50 %",
        "abc",
        "115792089237316195423570985008687907853269984665640564039457584007913129639936"
      })
  void hostileAmountsAreRefusedAtParse(String amount) {
    assertThatThrownBy(() -> SettlementOverride.amount(amount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("settlement amount");
  }

  @Test
  void aboveTheCeilingIsRefusedInEveryForm() {
    assertThatThrownBy(() -> resolve("10001", 10000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the 10000 the payer authorised");
    assertThatThrownBy(() -> resolve("$0.010001", 10000)).hasMessageContaining("exceeds the 10000");
  }

  @Test
  void dollarsNeedAKnownUsdTokenAndAtMostItsDecimals() {
    assertThatThrownBy(() -> resolve("$0.0000001", 10000)).hasMessageContaining("decimal places");
    assertThatThrownBy(
            () -> SettlementOverride.amount("$0.01").resolve(TokenAmount.of(10000), null))
        .hasMessageContaining("decimals are unknown");
    assertThatThrownBy(
            () -> SettlementOverride.amount("$0.01").resolve(TokenAmount.of(10000), NOT_USD))
        .hasMessageContaining("not known to be a USD stablecoin");
  }

  @Test
  void headerForms() {
    assertThat(SettlementOverride.parseHeader("{\"amount\": \"2500\"}"))
        .contains(SettlementOverride.amount("2500"));
    assertThat(SettlementOverride.parseHeader("{}")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"amount\":\"1\",\"amount\":\"2\"}",
        "{\"amount\":2500}",
        "{\"amount\":null}",
        "{\"amount\":\"2500\",\"payTo\":\"0x1\"}",
        "[\"2500\"]",
        "\"2500\"",
        "2500",
        "{\"amount\":\"2500\"} {}",
        "{amount:\"2500\"}",
        "{\"amount\":\"-5\"}",
        "{\"amount\":\"１\"}",
        " ",
        "not json"
      })
  void malformedHeadersAreRefused(String header) {
    assertThatThrownBy(() -> SettlementOverride.parseHeader(header))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "0100, 100",
    "$0.10, $0.1",
    "$00.1, $0.100",
    "50.00%, 50%",
    "5.5%, 5.50%",
  })
  void anAmountIsTheSameAmountHoweverItIsWritten(String one, String other) {
    assertThat(SettlementOverride.amount(one)).isEqualTo(SettlementOverride.amount(other));
    assertThat(SettlementOverride.amount(one)).hasSameHashCodeAs(SettlementOverride.amount(other));
    assertThat(SettlementOverride.stated(one, "{\"amount\":\"" + other + "\"}"))
        .contains(SettlementOverride.amount(one));
  }

  @ParameterizedTest
  @CsvSource({"100, 101", "$0.1, $0.11", "50%, 50.01%", "10000, $0.01", "100, 1%"})
  void differentAmountsOrFormsDiffer(String one, String other) {
    assertThat(SettlementOverride.amount(one)).isNotEqualTo(SettlementOverride.amount(other));
    assertThatThrownBy(() -> SettlementOverride.stated(one, "{\"amount\":\"" + other + "\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two settlement amounts");
  }

  @Test
  void aWholeNumberAttributeMatchesTheSameAmountInTheHeader() {
    assertThat(SettlementOverride.stated(100L, "{\"amount\":\"0100\"}"))
        .contains(SettlementOverride.atomic(100));
  }
}
