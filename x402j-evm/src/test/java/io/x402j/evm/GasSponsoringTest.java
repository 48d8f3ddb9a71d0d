package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.TokenAmount;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two gas-sponsoring extension infos: strict parsing and round trip (the payment checks are the
 * facilitator's GasSponsoringCheck).
 */
class GasSponsoringTest {
  static final EvmAddress PAYER = Eip1559DecodeTest.VIEM_SENDER;
  static final EvmAddress TOKEN = Permit2Test.USDC;
  static final String SIG = Permit2CallsTest.SIG;

  static Eip2612GasSponsoring permit(long deadline) {
    return new Eip2612GasSponsoring(
        PAYER,
        TOKEN,
        Permit2.ADDRESS,
        BigInteger.valueOf(10_000),
        BigInteger.ONE,
        BigInteger.valueOf(deadline),
        SIG,
        "1");
  }

  static Erc20ApprovalGasSponsoring approval(BigInteger amount, String tx) {
    return new Erc20ApprovalGasSponsoring(PAYER, TOKEN, Permit2.ADDRESS, amount, tx, "1");
  }

  static final BigInteger MAX = TokenAmount.UINT256_MAX;

  @Test
  void eip2612RoundTripsInTheOfficialOrder() {
    Eip2612GasSponsoring p = permit(1000);
    assertThat(p.toMap().keySet().toString())
        .isEqualTo("[from, asset, spender, amount, nonce, deadline, signature, version]");
    assertThat(Eip2612GasSponsoring.fromExtensions(p.toExtensions())).contains(p);
    assertThat(Eip2612GasSponsoring.fromExtensions(Map.of())).isEmpty();
    assertThat(p.permit().signature().v()).isEqualTo(27);
  }

  @Test
  void eip2612FieldsAreNamed() {
    Map<String, Object> info = new LinkedHashMap<>(permit(1000).toMap());
    info.put("nonce", "0x1");
    assertThatThrownBy(() -> Eip2612GasSponsoring.fromMap(info))
        .hasMessageStartingWith("extensions.eip2612GasSponsoring.info.nonce:");
    info.put("nonce", "1");
    info.put("version", "１");
    assertThatThrownBy(() -> Eip2612GasSponsoring.fromMap(info))
        .hasMessageContaining("extensions.eip2612GasSponsoring.info.version");
    info.put("version", "1");
    info.put("signature", "0x1234");
    assertThatThrownBy(() -> Eip2612GasSponsoring.fromMap(info))
        .hasMessageStartingWith("extensions.eip2612GasSponsoring.info.signature");
    assertThatThrownBy(
            () -> Eip2612GasSponsoring.fromExtensions(Map.of(Eip2612GasSponsoring.KEY, "x")))
        .hasMessage("extensions.eip2612GasSponsoring must be an object");
    assertThatThrownBy(
            () -> Eip2612GasSponsoring.fromExtensions(Map.of(Eip2612GasSponsoring.KEY, Map.of())))
        .hasMessage("extensions.eip2612GasSponsoring.info is missing");
  }

  @Test
  void erc20ApprovalFromViemRoundTripsAndDecodes() {
    Erc20ApprovalGasSponsoring a = approval(MAX, Eip1559DecodeTest.VIEM_APPROVE);
    assertThat(a.decodeTransaction().sender()).isEqualTo(PAYER);
    assertThat(Erc20ApprovalGasSponsoring.fromExtensions(a.toExtensions())).contains(a);
    assertThat(a.toMap().keySet().toString())
        .isEqualTo("[from, asset, spender, amount, signedTransaction, version]");
  }

  @Test
  void erc20ApprovalFieldsAreNamed() {
    Map<String, Object> info = new LinkedHashMap<>(approval(MAX, "0x02").toMap());
    info.put("signedTransaction", "02ab");
    assertThatThrownBy(() -> Erc20ApprovalGasSponsoring.fromMap(info))
        .hasMessageContaining("extensions.erc20ApprovalGasSponsoring.info.signedTransaction");
    info.put("signedTransaction", "0x02");
    info.put("amount", MAX.add(BigInteger.ONE).toString());
    assertThatThrownBy(() -> Erc20ApprovalGasSponsoring.fromMap(info))
        .hasMessageContaining("extensions.erc20ApprovalGasSponsoring.info.amount")
        .hasMessageContaining("uint256");
  }
}
