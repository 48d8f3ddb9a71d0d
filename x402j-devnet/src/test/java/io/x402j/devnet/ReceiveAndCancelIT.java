package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Keccak;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parts of the test dollar x402 does not use directly: receive and cancel. */
class ReceiveAndCancelIT {
  /** One validity bound for signing and calling: computing it twice could straddle a second. */
  static final BigInteger VALID_BEFORE =
      BigInteger.valueOf(System.currentTimeMillis() / 1000 + 3600);

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner seller;

  @BeforeAll
  static void start() throws Exception {
    devnet = Devnet.start(DevnetOptions.defaults());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    seller = info.requireAccount("seller").signer();
    devnet
        .rpc()
        .call("anvil_setBalance", seller.address().toLowerHex(), "0xde0b6b3a7640000")
        .join();
  }

  @AfterAll
  static void stop() {
    devnet.close();
  }

  static Signature signStruct(PrivateKeySigner signer, byte[] structHash) {
    Bytes32 domain =
        Eip3009.domainSeparator(
            info.tokenName(), info.tokenVersion(), info.chainId(), info.token());
    return signer.sign(
        Bytes32.of(Keccak.hash(new byte[] {0x19, 0x01}, domain.toBytes(), structHash)));
  }

  static byte[] receiveStruct(EvmAddress to, long value, Bytes32 nonce) {
    return Keccak.hash(
        Abi.arguments()
            .bytes32(
                Keccak.hash(
                    "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"))
            .address(buyer.address())
            .address(to)
            .uint(value)
            .uint(0)
            .uint(VALID_BEFORE)
            .bytes32(nonce.toBytes())
            .encode());
  }

  /** Sends a transaction from {@code signer}, impersonated on anvil; returns the receipt status. */
  static String send(PrivateKeySigner from, byte[] data) throws IOException {
    devnet.rpc().call("anvil_impersonateAccount", from.address().toLowerHex()).join();
    Map<String, Object> tx = new LinkedHashMap<>();
    tx.put("from", from.address().toLowerHex());
    tx.put("to", info.token().toLowerHex());
    tx.put("data", Hex.encode(data));
    tx.put("gas", "0x100000");
    String hash = devnet.rpc().call("eth_sendTransaction", tx).join().asText();
    return devnet.awaitReceipt(hash).path("status").asText();
  }

  static byte[] receiveCall(EvmAddress to, long value, Bytes32 nonce, Signature s) {
    return Abi.call(
            "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)")
        .address(buyer.address())
        .address(to)
        .uint(value)
        .uint(0)
        .uint(VALID_BEFORE)
        .bytes32(nonce.toBytes())
        .uint(s.v())
        .bytes32(Abi.word(s.r()))
        .bytes32(Abi.word(s.s()))
        .encode();
  }

  @Test
  void receiveWithAuthorizationOnlyForThePayee() throws IOException {
    Bytes32 nonce = Bytes32.random(new SecureRandom());
    Signature signature = signStruct(buyer, receiveStruct(seller.address(), 500, nonce));
    BigInteger before = devnet.tokenBalance(seller.address());

    // A third party may not submit it (front-running protection of EIP-3009's receive variant).
    assertThat(send(buyer, receiveCall(seller.address(), 500, nonce, signature))).isEqualTo("0x0");
    assertThat(send(seller, receiveCall(seller.address(), 500, nonce, signature))).isEqualTo("0x1");

    assertThat(devnet.tokenBalance(seller.address()))
        .isEqualTo(before.add(BigInteger.valueOf(500)));
    assertThat(devnet.authorizationUsed(buyer.address(), nonce)).isTrue();
  }

  @Test
  void aCancelledAuthorizationCanNoLongerBeUsed() throws IOException {
    Bytes32 nonce = Bytes32.random(new SecureRandom());
    byte[] cancelStruct =
        Keccak.hash(
            Abi.arguments()
                .bytes32(Keccak.hash("CancelAuthorization(address authorizer,bytes32 nonce)"))
                .address(buyer.address())
                .bytes32(nonce.toBytes())
                .encode());
    Signature cancel = signStruct(buyer, cancelStruct);
    byte[] cancelCall =
        Abi.call("cancelAuthorization(address,bytes32,bytes)")
            .address(buyer.address())
            .bytes32(nonce.toBytes())
            .bytes(cancel.toBytes())
            .encode();

    assertThat(send(seller, cancelCall)).isEqualTo("0x1");
    assertThat(devnet.authorizationUsed(buyer.address(), nonce)).isTrue();

    Signature receive = signStruct(buyer, receiveStruct(seller.address(), 500, nonce));
    assertThat(send(seller, receiveCall(seller.address(), 500, nonce, receive))).isEqualTo("0x0");
  }
}
