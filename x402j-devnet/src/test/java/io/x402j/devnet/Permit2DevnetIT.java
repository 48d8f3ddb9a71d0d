package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Keccak;
import io.x402j.evm.PrivateKeySigner;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Permit2 and the x402 proxies the devnet installs at their canonical addresses: the EIP-712
 * hashing here is written from the contracts' sources, independently of x402j-evm.
 */
class Permit2DevnetIT {
  private static final String EXACT_WITNESS =
      "Witness witness)TokenPermissions(address token,uint256 amount)"
          + "Witness(address to,uint256 validAfter)";
  private static final String UPTO_WITNESS =
      "Witness witness)TokenPermissions(address token,uint256 amount)"
          + "Witness(address to,address facilitator,uint256 validAfter)";
  private static final BigInteger FAR_FUTURE = BigInteger.valueOf(4_000_000_000L);

  private static Devnet devnet;

  @BeforeAll
  static void start() throws Exception {
    devnet = Devnet.start(DevnetOptions.defaults());
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  static byte[] call(Devnet devnet, EvmAddress to, byte[] data) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", to.toLowerHex());
    call.put("data", Hex.encode(data));
    return Hex.decode(devnet.rpc().call("eth_call", call, "latest").join().asText());
  }

  static Bytes32 expectedDomainSeparator(long chainId) {
    return Bytes32.of(
        Keccak.hash(
            Abi.arguments()
                .bytes32(
                    Keccak.hash(
                        "EIP712Domain(string name,uint256 chainId,address verifyingContract)"))
                .bytes32(Keccak.hash("Permit2"))
                .uint(chainId)
                .address(EvmAddress.parse("0x000000000022D473030F116dDEE9F6B43aC78BA3"))
                .encode()));
  }

  static void assertPermit2Installed(Devnet devnet, long chainId) {
    DevnetInfo.Permit2Contracts p = devnet.info().permit2().orElseThrow();
    assertThat(p.permit2()).isEqualTo("0x000000000022D473030F116dDEE9F6B43aC78BA3");
    assertThat(p.exactProxy()).isEqualTo("0x402085c248EeA27D92E8b30b2C58ed07f9E20001");
    assertThat(p.uptoProxy()).isEqualTo("0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002");
    assertThat(
            Bytes32.of(call(devnet, p.permit2Address(), Abi.call("DOMAIN_SEPARATOR()").encode())))
        .isEqualTo(expectedDomainSeparator(chainId));
    for (EvmAddress proxy : new EvmAddress[] {p.exactProxyAddress(), p.uptoProxyAddress()}) {
      assertThat(Abi.decodeAddress(call(devnet, proxy, Abi.call("PERMIT2()").encode()), 0))
          .isEqualTo(p.permit2Address());
    }
  }

  @Test
  void permit2HasTheDomainOfItsCanonicalAddressOnChain31337() {
    assertPermit2Installed(devnet, 31337);
  }

  @Test
  void permit2HasTheDomainOfItsCanonicalAddressOnChain84532() throws Exception {
    try (Devnet other = Devnet.start(DevnetOptions.builder().chainId(84532).build())) {
      assertPermit2Installed(other, 84532);
    }
  }

  @Test
  void infoJsonNamesThePermit2ContractsAndReadsBack() {
    DevnetInfo info = devnet.info();
    String json = info.toJson();
    assertThat(json)
        .contains(
            "\"permit2\":{\"permit2\":\"0x000000000022D473030F116dDEE9F6B43aC78BA3\","
                + "\"exactProxy\":\"0x402085c248EeA27D92E8b30b2C58ed07f9E20001\","
                + "\"uptoProxy\":\"0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002\"}");
    assertThat(DevnetInfo.fromJson(json)).isEqualTo(info);
    assertThat(DevnetInfo.fromJson(json).toJson()).isEqualTo(json);
  }

  /** The EIP-712 digest Permit2 checks in permitWitnessTransferFrom. */
  static Bytes32 permitWitnessDigest(
      long chainId,
      EvmAddress token,
      BigInteger amount,
      EvmAddress spender,
      BigInteger nonce,
      BigInteger deadline,
      String witnessTypeString,
      byte[] witnessHash) {
    byte[] typeHash =
        Keccak.hash(
            "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,"
                + "uint256 deadline,"
                + witnessTypeString);
    byte[] permitted =
        Keccak.hash(
            Abi.arguments()
                .bytes32(Keccak.hash("TokenPermissions(address token,uint256 amount)"))
                .address(token)
                .uint(amount)
                .encode());
    byte[] struct =
        Keccak.hash(
            Abi.arguments()
                .bytes32(typeHash)
                .bytes32(permitted)
                .address(spender)
                .uint(nonce)
                .uint(deadline)
                .bytes32(witnessHash)
                .encode());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x19, 0x01});
    out.writeBytes(expectedDomainSeparator(chainId).toBytes());
    out.writeBytes(struct);
    return Bytes32.of(Keccak.hash(out.toByteArray()));
  }

  private static boolean succeeded(JsonNode receipt) {
    return "0x1".equals(receipt.path("status").asText());
  }

  @Test
  void exactProxySettlesAPermitWitnessTransferToTheWitnessRecipient() throws Exception {
    DevnetInfo info = devnet.info();
    DevnetInfo.Permit2Contracts p = info.permit2().orElseThrow();
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    EvmAddress seller = info.requireAccount("seller").address();
    EvmAddress facilitator = info.requireAccount("facilitator").address();
    devnet.approvePermit2(buyer.address(), info.token());
    BigInteger amount = BigInteger.valueOf(1_250_000);
    BigInteger nonce = new BigInteger("123456789");
    BigInteger before = devnet.tokenBalance(seller);

    byte[] witnessHash =
        Keccak.hash(
            Abi.arguments()
                .bytes32(Keccak.hash("Witness(address to,uint256 validAfter)"))
                .address(seller)
                .uint(0)
                .encode());
    byte[] signature =
        buyer
            .sign(
                permitWitnessDigest(
                    31337,
                    info.token(),
                    amount,
                    p.exactProxyAddress(),
                    nonce,
                    FAR_FUTURE,
                    EXACT_WITNESS,
                    witnessHash))
            .toBytes();
    byte[] settle =
        Abi.call("settle(((address,uint256),uint256,uint256),address,(address,uint256),bytes)")
            .address(info.token())
            .uint(amount)
            .uint(nonce)
            .uint(FAR_FUTURE)
            .address(buyer.address())
            .address(seller)
            .uint(0)
            .bytes(signature)
            .encode();

    assertThat(succeeded(devnet.sendAs(facilitator, p.exactProxyAddress(), settle))).isTrue();
    assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(amount));
    // The nonce is spent: the same settle now reverts.
    assertThat(succeeded(devnet.sendAs(facilitator, p.exactProxyAddress(), settle))).isFalse();
  }

  @Test
  void uptoProxySettlesLessThanTheCeilingOnlyFromTheWitnessFacilitator() throws Exception {
    DevnetInfo info = devnet.info();
    DevnetInfo.Permit2Contracts p = info.permit2().orElseThrow();
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    EvmAddress seller = info.requireAccount("seller").address();
    EvmAddress facilitator = info.requireAccount("facilitator").address();
    devnet.approvePermit2(buyer.address(), info.token());
    BigInteger ceiling = BigInteger.valueOf(5_000_000);
    BigInteger charged = BigInteger.valueOf(1_700_000);
    BigInteger nonce = new BigInteger("987654321");
    BigInteger before = devnet.tokenBalance(seller);

    byte[] witnessHash =
        Keccak.hash(
            Abi.arguments()
                .bytes32(Keccak.hash("Witness(address to,address facilitator,uint256 validAfter)"))
                .address(seller)
                .address(facilitator)
                .uint(0)
                .encode());
    byte[] signature =
        buyer
            .sign(
                permitWitnessDigest(
                    31337,
                    info.token(),
                    ceiling,
                    p.uptoProxyAddress(),
                    nonce,
                    FAR_FUTURE,
                    UPTO_WITNESS,
                    witnessHash))
            .toBytes();
    byte[] settle =
        Abi.call(
                "settle(((address,uint256),uint256,uint256),uint256,address,"
                    + "(address,address,uint256),bytes)")
            .address(info.token())
            .uint(ceiling)
            .uint(nonce)
            .uint(FAR_FUTURE)
            .uint(charged)
            .address(buyer.address())
            .address(seller)
            .address(facilitator)
            .uint(0)
            .bytes(signature)
            .encode();

    // Another sender is refused (UnauthorizedFacilitator), and nothing moves.
    assertThat(succeeded(devnet.sendAs(buyer.address(), p.uptoProxyAddress(), settle))).isFalse();
    assertThat(devnet.tokenBalance(seller)).isEqualTo(before);

    assertThat(succeeded(devnet.sendAs(facilitator, p.uptoProxyAddress(), settle))).isTrue();
    assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(charged));
  }
}
