package io.x402j.evm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.TokenAmount;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Strict decoding of signed EIP-1559 transactions. The vector is an {@code approve(Permit2, max)}
 * signed once by hand with viem's {@code privateKeyToAccount(...).signTransaction} (as @x402/evm's
 * erc20ApprovalGasSponsoring client does: gas 70000, 1 gwei / 0.1 gwei) for the well-known test key
 * 0x4c0883a6…362318 on chain 84532, nonce 7; note its {@code s} is 31 bytes long.
 */
class Eip1559DecodeTest {
  static final String VIEM_APPROVE =
      "0x02f8b283014a34078405f5e100843b9aca008301117094036cbd53842c5426634e7929541ec2318f3d"
          + "cf7e80b844095ea7b3000000000000000000000000000000000022d473030f116ddee9f6b43ac78ba3ff"
          + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc001a03eb4b81a9b326a4b"
          + "c5d15783f585baaa74e73da7569777199af67520984aa7f19fbb471f8086d7463287c6d90874ee06f02c"
          + "07b09eb074aafe145fc8eef29400";
  static final EvmAddress VIEM_SENDER =
      EvmAddress.parse("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");

  @Test
  void decodesViemsApproveAndRecoversItsSender() {
    Eip1559Transaction.Signed signed = Eip1559Transaction.decodeSigned(Hex.decode(VIEM_APPROVE));
    Eip1559Transaction tx = signed.transaction();
    assertThat(signed.sender()).isEqualTo(VIEM_SENDER);
    assertThat(tx.chainId()).isEqualTo(84532);
    assertThat(tx.nonce()).isEqualTo(7);
    assertThat(tx.gasLimit()).isEqualTo(70_000);
    assertThat(tx.maxFeePerGas()).isEqualTo(BigInteger.valueOf(1_000_000_000L));
    assertThat(tx.maxPriorityFeePerGas()).isEqualTo(BigInteger.valueOf(100_000_000L));
    assertThat(tx.to()).isEqualTo(Permit2Test.USDC);
    assertThat(tx.data())
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, TokenAmount.UINT256_MAX));
    assertThat(signed.hash()).isEqualTo(Eip1559Transaction.hash(Hex.decode(VIEM_APPROVE)));
  }

  @Test
  void roundTripsOurOwnSignedTransactions() {
    PrivateKeySigner signer = PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0);
    Eip1559Transaction tx =
        new Eip1559Transaction(
            1,
            0,
            BigInteger.ZERO,
            BigInteger.ONE,
            21_000,
            Permit2.ADDRESS,
            BigInteger.ZERO,
            new byte[0]);
    byte[] raw = tx.encodeSigned(signer.sign(tx.signingHash()));
    Eip1559Transaction.Signed signed = Eip1559Transaction.decodeSigned(raw);
    assertThat(signed.sender()).isEqualTo(signer.address());
    assertThat(signed.transaction().encodeSigned(signed.signature())).isEqualTo(raw);
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] raw = Hex.decode(VIEM_APPROVE);
    byte[] longer = Arrays.copyOf(raw, raw.length + 1);
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(longer))
        .hasMessageContaining("after the transaction");
  }

  @Test
  void nonCanonicalIntegersAreRefused() {
    // nonce 7 encoded as the string 0x0007 (81 07 -> 82 00 07), list length fixed up
    byte[] raw = Hex.decode(VIEM_APPROVE);
    int at = indexOf(raw, new byte[] {(byte) 0x83, 0x01, 0x4a, 0x34, 0x07}) + 4;
    byte[] bad = new byte[raw.length + 2];
    System.arraycopy(raw, 0, bad, 0, at);
    bad[at] = (byte) 0x82;
    bad[at + 1] = 0;
    bad[at + 2] = 7;
    System.arraycopy(raw, at + 1, bad, at + 3, raw.length - at - 1);
    bad[2] = (byte) ((raw[2] & 0xff) + 2); // f8 b2 -> f8 b4
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(bad))
        .hasMessageContaining("nonce has a leading zero");
    // a single byte below 0x80 wrapped as a string (81 07)
    byte[] wrapped = new byte[raw.length + 1];
    System.arraycopy(raw, 0, wrapped, 0, at);
    wrapped[at] = (byte) 0x81;
    wrapped[at + 1] = 7;
    System.arraycopy(raw, at + 1, wrapped, at + 2, raw.length - at - 1);
    wrapped[2] = (byte) ((raw[2] & 0xff) + 1);
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(wrapped))
        .hasMessageContaining("must encode itself");
  }

  @Test
  void otherTypesAndMalformedInputAreRefused() {
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(new byte[0]))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(new byte[] {(byte) 0xc0}))
        .hasMessageContaining("legacy");
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(new byte[] {1, (byte) 0xc0}))
        .hasMessageContaining("type 1");
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(new byte[] {2, (byte) 0xc0}))
        .hasMessageContaining("12 fields");
    byte[] raw = Hex.decode(VIEM_APPROVE);
    byte[] truncated = Arrays.copyOf(raw, raw.length - 1);
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHighSTwinIsRefused() {
    PrivateKeySigner signer = PrivateKeySigner.fromHex(PrivateKeySignerTest.ANVIL_KEY_0);
    Eip1559Transaction tx =
        new Eip1559Transaction(
            1,
            0,
            BigInteger.ZERO,
            BigInteger.ONE,
            21_000,
            Permit2.ADDRESS,
            BigInteger.ZERO,
            new byte[0]);
    Signature low = signer.sign(tx.signingHash());
    Signature high = Signature.of(low.r(), Signature.CURVE_ORDER.subtract(low.s()), 55 - low.v());
    assertThatThrownBy(() -> Eip1559Transaction.decodeSigned(tx.encodeSigned(high)))
        .hasMessageContaining("EIP-2");
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
