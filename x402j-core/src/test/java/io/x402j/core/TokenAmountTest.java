package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenAmountTest {
  private static final Asset USDC =
      Asset.usdStablecoin("0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", 6, "USDC", "2");

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "'',      EMPTY",
    "'-1',    NEGATIVE",
    "'-abc',  NOT_A_NUMBER",
    "'1.0',   NOT_AN_INTEGER",
    "'1e3',   NOT_AN_INTEGER",
    "'+1',    NOT_A_NUMBER",
    "'0x10',  NOT_A_NUMBER",
    "' 1',    NOT_A_NUMBER",
    "'115792089237316195423570985008687907853269984665640564039457584007913129639936', TOO_LARGE",
  })
  void classifiesProblems(String text, TokenAmount.Problem problem) {
    assertThat(TokenAmount.check(text)).isEqualTo(problem);
    assertThatThrownBy(() -> TokenAmount.parse(text))
        .isInstanceOfSatisfying(
            TokenAmount.InvalidAmountException.class,
            e -> assertThat(e.problem()).isEqualTo(problem));
  }

  @Test
  void keepsTheWireTextButComparesByValue() {
    TokenAmount padded = TokenAmount.parse("0010");
    assertThat(padded.toString()).isEqualTo("0010");
    assertThat(padded).isEqualTo(TokenAmount.of(10)).hasSameHashCodeAs(TokenAmount.of(10));
    assertThat(TokenAmount.parse("0")).isEqualTo(TokenAmount.ZERO);
    assertThat(TokenAmount.parse("0".repeat(100) + "1")).isEqualTo(TokenAmount.of(1));
  }

  @Test
  void unitsConversionIsExact() {
    assertThat(TokenAmount.fromUnits(new BigDecimal("0.01"), 6)).isEqualTo(TokenAmount.of(10000));
    assertThat(TokenAmount.of(10000).toUnits(6)).isEqualByComparingTo("0.01");
    assertThat(TokenAmount.ZERO.toUnits(6)).isEqualByComparingTo("0");
    assertThatThrownBy(() -> TokenAmount.fromUnits(new BigDecimal("0.0000001"), 6))
        .hasMessageContaining("7 decimal places");
    assertThatThrownBy(() -> TokenAmount.fromUnits(new BigDecimal("-1"), 6))
        .hasMessageContaining("negative");
  }

  // Found by MoneyFuzzTest: these were written out digit by digit (a gigabyte each) before the
  // range check, so one config value or API call could take the process down.
  @Test
  void exponentsThatWouldBeHugeWrittenOutAreRefusedAtOnce() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          assertThatThrownBy(() -> TokenAmount.fromUnits(new BigDecimal("1E+999999999"), 6))
              .hasMessage("amount 1E+999999999 exceeds the uint256 maximum in atomic units");
          assertThatThrownBy(() -> TokenAmount.fromUnits(new BigDecimal("-1E+999999999"), 6))
              .hasMessageContaining("-1E+999999999 is negative");
          assertThatThrownBy(() -> TokenAmount.fromUnits(new BigDecimal("1E-999999999"), 6))
              .hasMessageContaining("999999999 decimal places");
          assertThatThrownBy(() -> Price.usd(new BigDecimal("1E+999999999")).toAtomic(USDC))
              .hasMessageContaining("exceeds the uint256 maximum");
        });
    assertThat(TokenAmount.fromUnits(new BigDecimal("1E+2"), 6))
        .isEqualTo(TokenAmount.of(100_000_000));
  }

  @Test
  void arithmeticStaysWithinUint256() {
    TokenAmount max = TokenAmount.of(TokenAmount.UINT256_MAX);
    assertThat(TokenAmount.of(1).plus(TokenAmount.of(2))).isEqualTo(TokenAmount.of(3));
    assertThatThrownBy(() -> max.plus(TokenAmount.of(1))).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> TokenAmount.of(BigInteger.valueOf(-1)))
        .hasMessageContaining("negative");
    assertThat(TokenAmount.of(2).isGreaterThan(TokenAmount.of(1))).isTrue();
  }
}
