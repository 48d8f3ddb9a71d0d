package io.x402j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTest {
  static final Asset USDC =
      Asset.usdStablecoin("0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", 6, "USDC", "2");
  static final Asset WETH =
      new Asset("0x4200000000000000000000000000000000000006", "WETH", 18, null, null, false);
  static final Asset WHOLE = new Asset("0xDEAD", "PTS", 0, null, null, false);

  @ParameterizedTest(name = "{0} in {1} = {2}")
  @CsvSource({
    "'$0.01',        USDC, 10000",
    "'$ 0.01',       USDC, 10000",
    "'$1',           USDC, 1000000",
    "'$0.000001',    USDC, 1",
    "'$0.0000010',   USDC, 1",
    "'$0',           USDC, 0",
    "'$1234567.89',  USDC, 1234567890000",
    "'0.01',         USDC, 10000",
    "'0.01 USDC',    USDC, 10000",
    "'0.01 usdc',    USDC, 10000",
    "'0.01 USD',     USDC, 10000",
    "'  2.5 USDC  ', USDC, 2500000",
    "'10000',        USDC, 10000",
    "'0',            USDC, 0",
    "'1.5',          WETH, 1500000000000000000",
    "'0.000000000000000001 WETH', WETH, 1",
    "'7',            WHOLE, 7",
    "'7.0',          WHOLE, 7",
  })
  void convertsExactly(String price, String asset, String atomic) {
    Asset target = asset.equals("USDC") ? USDC : asset.equals("WETH") ? WETH : WHOLE;
    assertThat(Price.parse(price).toAtomic(target)).isEqualTo(TokenAmount.parse(atomic));
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource({
    "'-0.01',       negative",
    "'$-0.01',      negative",
    "'$ -1',        negative",
    "'-5',          negative",
    "'1e-2',        scientific notation",
    "'$1E3',        scientific notation",
    "'abc',         is not a price",
    "'',            empty",
    "'$',           is not a price",
    "'0.01.2',      is not a price",
    "'.5',          is not a price",
    "'1,000',       is not a price",
    "'0x10',        is not a price",
    "'$0.01 USDC extra', is not a price",
  })
  void refusesGarbageQuotingTheInput(String price, String message) {
    assertThatThrownBy(() -> Price.parse(price))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} in {1} is refused: {2}")
  @CsvSource({
    "'$0.0000001',  USDC,  '7 decimal places but USDC has only 6'",
    "'0.1234567 USDC', USDC, '7 decimal places'",
    "'$0.01',       WETH,  'not known to be a USD stablecoin'",
    "'0.01 EURC',   USDC,  'is in EURC but the asset is USDC'",
    "'0.5',         WHOLE, '1 decimal places but PTS has only 0'",
  })
  void refusesPricesTheAssetCannotExpress(String price, String asset, String message) {
    Asset target = asset.equals("USDC") ? USDC : asset.equals("WETH") ? WETH : WHOLE;
    assertThatThrownBy(() -> Price.parse(price).toAtomic(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageContaining(price.strip());
  }

  @ParameterizedTest
  @CsvSource({
    "'115792089237316195423570985008687907853269984665640564039457584007913129639936'",
    "'115792089237316195423570985008687907853269984665640564039457584007913129639.936 WETH'",
  })
  void refusesAmountsBeyondUint256(String price) {
    assertThatThrownBy(() -> Price.parse(price).toAtomic(WETH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("uint256");
  }

  @org.junit.jupiter.api.Test
  void factoriesAgreeWithParsing() {
    assertThat(Price.usd("0.01")).isEqualTo(Price.parse("$0.01"));
    assertThat(Price.usd(new BigDecimal("0.010")).toAtomic(USDC)).isEqualTo(TokenAmount.of(10000));
    assertThat(Price.tokens(new BigDecimal("1.5"), "weth").toAtomic(WETH))
        .isEqualTo(Price.parse("1.5 WETH").toAtomic(WETH));
    assertThat(Price.atomic(42).toAtomic(WETH)).isEqualTo(TokenAmount.of(42));
    assertThat(Price.parse("$0.01").unit()).isEqualTo(Price.Unit.USD);
    assertThat(Price.parse("0.01 USDC").symbol()).hasValue("USDC");
    assertThat(Price.parse("10000").unit()).isEqualTo(Price.Unit.ATOMIC);
    assertThatThrownBy(() -> Price.usd(new BigDecimal("-1"))).hasMessageContaining("negative");
  }
}
