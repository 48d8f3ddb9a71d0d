package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Proxy call data layout and custom error names. */
class Permit2CallsTest {
  static final String SIG = "0x" + "11".repeat(64) + "1b";

  static Permit2Payload exactPayload() {
    return new Permit2Payload(SIG, Permit2Test.exact(Permit2Test.PAY_TO));
  }

  static Permit2Payload uptoPayload() {
    return new Permit2Payload(SIG, Permit2Test.upto(Permit2Test.PAY_TO));
  }

  static String word(byte[] data, int index) {
    return HexFormat.of().formatHex(Arrays.copyOfRange(data, 4 + 32 * index, 4 + 32 * index + 32));
  }

  @Test
  void selectorsAreTheAbiOnes() {
    // keccak of the canonical signatures, as viem's toFunctionSelector gives them
    assertThat(HexFormat.of().formatHex(Abi.selector(Permit2Calls.ERC20_APPROVE)))
        .isEqualTo("095ea7b3");
    assertThat(Permit2Calls.exactSettle(exactPayload()))
        .startsWith(Abi.selector(Permit2Calls.EXACT_SETTLE));
  }

  @Test
  void exactSettleLaysOutPermitOwnerWitnessAndSignature() {
    byte[] data = Permit2Calls.exactSettle(exactPayload());
    // permit (token, amount, nonce, deadline), owner, witness (to, validAfter), offset, len, sig
    assertThat(word(data, 0)).endsWith(Permit2Test.USDC.toLowerHex().substring(2));
    assertThat(new BigInteger(word(data, 1), 16)).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(new BigInteger(word(data, 2), 16)).isEqualTo(Permit2Test.NONCE);
    assertThat(new BigInteger(word(data, 3), 16)).isEqualTo(Permit2Test.DEADLINE);
    assertThat(word(data, 4)).endsWith(Permit2Test.PAY_TO.toLowerHex().substring(2));
    assertThat(word(data, 5)).endsWith(Permit2Test.PAY_TO.toLowerHex().substring(2));
    assertThat(new BigInteger(word(data, 6), 16)).isZero();
    assertThat(new BigInteger(word(data, 7), 16)).isEqualTo(BigInteger.valueOf(8 * 32));
    assertThat(new BigInteger(word(data, 8), 16)).isEqualTo(BigInteger.valueOf(65));
    assertThat(data).hasSize(4 + 32 * 9 + 96);
  }

  @Test
  void uptoSettleCarriesTheAmountAndTheFacilitator() {
    byte[] data = Permit2Calls.uptoSettle(uptoPayload(), BigInteger.valueOf(1234));
    assertThat(data).startsWith(Abi.selector(Permit2Calls.UPTO_SETTLE));
    assertThat(new BigInteger(word(data, 4), 16)).isEqualTo(BigInteger.valueOf(1234));
    assertThat(word(data, 7)).endsWith(Permit2Test.FACILITATOR.toLowerHex().substring(2));
    assertThat(new BigInteger(word(data, 8), 16)).isEqualTo(BigInteger.valueOf(5));
  }

  @Test
  void settleWithPermitPrependsThePermitTuple() {
    Eip2612Permit permit =
        new Eip2612Permit(BigInteger.valueOf(10_000), BigInteger.TEN, Signature.parse(SIG));
    byte[] data = Permit2Calls.exactSettleWithPermit(permit, exactPayload());
    assertThat(data).startsWith(Abi.selector(Permit2Calls.EXACT_SETTLE_WITH_PERMIT));
    assertThat(new BigInteger(word(data, 0), 16)).isEqualTo(BigInteger.valueOf(10_000));
    assertThat(new BigInteger(word(data, 4), 16)).isEqualTo(BigInteger.valueOf(27));
    byte[] upto = Permit2Calls.uptoSettleWithPermit(permit, uptoPayload(), BigInteger.ONE);
    assertThat(upto).startsWith(Abi.selector(Permit2Calls.UPTO_SETTLE_WITH_PERMIT));
  }

  @Test
  void theWrongWitnessForAProxyIsRefused() {
    assertThatThrownBy(() -> Permit2Calls.exactSettle(uptoPayload()))
        .hasMessageContaining("exact proxy needs the exact witness");
    assertThatThrownBy(() -> Permit2Calls.uptoSettle(exactPayload(), BigInteger.ONE))
        .hasMessageContaining("upto proxy needs the upto witness");
  }

  @Test
  void anErc6492SignatureIsUnwrappedForTheProxy() {
    byte[] inner = Permit2Test.hex(SIG);
    byte[] wrapped = Erc6492.wrap(Permit2Test.FACILITATOR, new byte[] {1, 2, 3}, inner);
    Permit2Payload p =
        new Permit2Payload(Hex.encode(wrapped), Permit2Test.exact(Permit2Test.PAY_TO));
    assertThat(Permit2Calls.exactSettle(p)).isEqualTo(Permit2Calls.exactSettle(exactPayload()));
  }

  @Test
  void revertNamesComeFromTheSelector() {
    assertThat(Permit2Calls.revertName(Abi.selector("InvalidAmount()"))).contains("InvalidAmount");
    assertThat(Permit2Calls.revertName(Abi.call("InvalidAmount(uint256)").uint(5).encode()))
        .contains("InvalidAmount");
    assertThat(Permit2Calls.revertName(Abi.selector("AmountExceedsPermitted()")))
        .contains("AmountExceedsPermitted");
    assertThat(Permit2Calls.revertName(Abi.selector("UnauthorizedFacilitator()")))
        .contains("UnauthorizedFacilitator");
    assertThat(Permit2Calls.revertName(Abi.selector("InvalidNonce()"))).contains("InvalidNonce");
    assertThat(Permit2Calls.revertName(Abi.call("SignatureExpired(uint256)").uint(1).encode()))
        .contains("SignatureExpired");
    assertThat(Permit2Calls.revertName(Abi.selector("Permit2612AmountMismatch()")))
        .contains("Permit2612AmountMismatch");
    assertThat(Permit2Calls.revertName(Abi.selector("Error(string)"))).isEmpty();
    assertThat(Permit2Calls.revertName(new byte[] {1, 2})).isEmpty();
    assertThat(Permit2Calls.revertName(null)).isEmpty();
  }

  @Test
  void nonceBitmapWordsAreReadByBit() {
    BigInteger nonce = BigInteger.valueOf(3 * 256 + 5);
    assertThat(
            new BigInteger(word(Permit2Calls.permit2NonceBitmap(Permit2Test.PAY_TO, nonce), 1), 16))
        .isEqualTo(BigInteger.valueOf(3));
    byte[] bit5 = Abi.word(BigInteger.ONE.shiftLeft(5));
    assertThat(Permit2Calls.isNonceUsed(bit5, nonce)).isTrue();
    assertThat(Permit2Calls.isNonceUsed(bit5, nonce.add(BigInteger.ONE))).isFalse();
    assertThatThrownBy(() -> Permit2Calls.isNonceUsed(new byte[0], nonce))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
