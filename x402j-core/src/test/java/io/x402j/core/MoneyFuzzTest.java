package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prices and amounts from any text: each is read exactly or refused with an {@link
 * IllegalArgumentException} that says why; nothing else escapes, nothing is rounded, and no amount
 * leaves the uint256 range.
 *
 * <p>The first byte of an input gives the token's decimals (modulo 78), the second chooses what
 * reads the rest: {@link Price#parse}, {@link TokenAmount#parse} or, for any text {@link
 * BigDecimal} accepts, {@link TokenAmount#fromUnits} and the programmatic prices. Committed inputs
 * are in {@code src/test/resources/io/x402j/core/MoneyFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class MoneyFuzzTest {
  // The number in a price as written, read independently of Price: "$0.01", "0.5 USDC", "7".
  private static final Pattern NUMBER = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");

  @FuzzTest
  void pricesAndAmountsAreExactOrRefused(byte[] input) {
    if (input.length < 2) {
      return;
    }
    int decimals = (input[0] & 0xff) % 78;
    Asset usdc =
        Asset.usdStablecoin(
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", decimals, "USDC", "2");
    String text = new String(Arrays.copyOfRange(input, 2, input.length), StandardCharsets.UTF_8);
    switch ((input[1] & 0xff) % 3) {
      case 0 -> price(text, usdc);
      case 1 -> amount(text);
      default -> units(text, usdc);
    }
  }

  private static void price(String text, Asset asset) {
    Price price;
    try {
      price = Price.parse(text);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(Price.parse(price.toString())).isEqualTo(price);
    TokenAmount atomic;
    try {
      atomic = price.toAtomic(asset);
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).contains("price");
      return;
    }
    inRange(atomic);
    if (price.unit() == Price.Unit.ATOMIC) {
      assertThat(atomic.value()).isEqualTo(new BigInteger(text.strip()));
    } else {
      Matcher number = NUMBER.matcher(text);
      assertThat(number.find()).isTrue();
      BigDecimal written = new BigDecimal(number.group());
      assertThat(new BigDecimal(atomic.value()).movePointLeft(asset.decimals()))
          .isEqualByComparingTo(written);
    }
  }

  private static void amount(String text) {
    TokenAmount amount;
    try {
      amount = TokenAmount.parse(text);
    } catch (TokenAmount.InvalidAmountException refused) {
      assertThat(TokenAmount.check(text)).isEqualTo(refused.problem());
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(TokenAmount.check(text)).isNull();
    inRange(amount);
    assertThat(amount.value()).isEqualTo(new BigInteger(text));
    assertThat(amount.toString()).isEqualTo(text);
  }

  private static void units(String text, Asset asset) {
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException notADecimal) {
      return;
    }
    TokenAmount amount;
    try {
      amount = TokenAmount.fromUnits(value, asset.decimals());
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).startsWith("amount").hasSizeLessThan(400);
      return;
    }
    inRange(amount);
    assertThat(amount.toUnits(asset.decimals())).isEqualByComparingTo(value);
    assertThat(Price.usd(value).toAtomic(asset)).isEqualTo(amount);
    assertThat(Price.tokens(value, "usdc").toAtomic(asset)).isEqualTo(amount);
  }

  private static void inRange(TokenAmount amount) {
    assertThat(amount.value().signum()).isNotNegative();
    assertThat(amount.value()).isLessThanOrEqualTo(TokenAmount.UINT256_MAX);
  }
}
