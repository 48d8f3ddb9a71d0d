package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Keccak;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
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
    // The test dollar keeps the deployer's first address; the plain token takes the next.
    assertThat(info.token().toString()).isEqualTo("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assertThat(info.plainToken().address()).isEqualTo("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
    assertThat(info.plainToken().decimals()).isEqualTo(6);
    String json = info.toJson();
    assertThat(json)
        .contains(
            "\"permit2\":{\"permit2\":\"0x000000000022D473030F116dDEE9F6B43aC78BA3\","
                + "\"exactProxy\":\"0x402085c248EeA27D92E8b30b2C58ed07f9E20001\","
                + "\"uptoProxy\":\"0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002\"}");
    assertThat(json)
        .contains("\"erc6492Factory\":\"0x6492000000000000000000000000000000006492\"")
        .contains("\"plainToken\":{\"address\":\"" + info.plainToken().address() + "\"");
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
    exactSettle(devnet.info().token(), new BigInteger("123456789"));
  }

  @Test
  void exactProxySettlesThePlainTokenWhichHasNeitherEip3009NorEip2612() throws Exception {
    EvmAddress plain = EvmAddress.parse(devnet.info().plainToken().address());
    EvmAddress buyer = devnet.info().requireAccount("buyer").address();
    assertThat(devnet.tokenBalance(plain, buyer)).isEqualTo(BigInteger.valueOf(1_000_000_000L));
    assertThat(
            succeeded(
                devnet.sendAs(buyer, plain, Abi.call("nonces(address)").address(buyer).encode())))
        .as("the plain token has no EIP-2612 nonces()")
        .isFalse();
    exactSettle(plain, new BigInteger("555"));
  }

  private void exactSettle(EvmAddress token, BigInteger nonce) throws Exception {
    DevnetInfo info = devnet.info();
    DevnetInfo.Permit2Contracts p = info.permit2().orElseThrow();
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    EvmAddress seller = info.requireAccount("seller").address();
    EvmAddress facilitator = info.requireAccount("facilitator").address();
    devnet.approvePermit2(buyer.address(), token);
    BigInteger amount = BigInteger.valueOf(1_250_000);
    BigInteger before = devnet.tokenBalance(token, seller);

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
                    token,
                    amount,
                    p.exactProxyAddress(),
                    nonce,
                    FAR_FUTURE,
                    EXACT_WITNESS,
                    witnessHash))
            .toBytes();
    byte[] settle =
        Abi.call("settle(((address,uint256),uint256,uint256),address,(address,uint256),bytes)")
            .address(token)
            .uint(amount)
            .uint(nonce)
            .uint(FAR_FUTURE)
            .address(buyer.address())
            .address(seller)
            .uint(0)
            .bytes(signature)
            .encode();

    assertThat(succeeded(devnet.sendAs(facilitator, p.exactProxyAddress(), settle))).isTrue();
    assertThat(devnet.tokenBalance(token, seller)).isEqualTo(before.add(amount));
    // The nonce is spent: the same settle now reverts.
    assertThat(succeeded(devnet.sendAs(facilitator, p.exactProxyAddress(), settle))).isFalse();
  }

  @Test
  void eip2612PermitOnTheTestDollarSetsTheAllowance() throws Exception {
    DevnetInfo info = devnet.info();
    PrivateKeySigner owner = info.requireAccount("buyer").signer();
    EvmAddress spender = EvmAddress.parse(info.permit2().orElseThrow().permit2());
    EvmAddress relayer = info.requireAccount("facilitator").address();
    BigInteger nonce =
        Abi.decodeUint(
            call(
                devnet,
                info.token(),
                Abi.call("nonces(address)").address(owner.address()).encode()),
            0);
    BigInteger value = BigInteger.valueOf(7_000_000);
    byte[] struct =
        Keccak.hash(
            Abi.arguments()
                .bytes32(
                    Keccak.hash(
                        "Permit(address owner,address spender,uint256 value,uint256 nonce,"
                            + "uint256 deadline)"))
                .address(owner.address())
                .address(spender)
                .uint(value)
                .uint(nonce)
                .uint(FAR_FUTURE)
                .encode());
    ByteArrayOutputStream digest = new ByteArrayOutputStream();
    digest.writeBytes(new byte[] {0x19, 0x01});
    digest.writeBytes(
        Eip3009.domainSeparator(info.tokenName(), info.tokenVersion(), 31337, info.token())
            .toBytes());
    digest.writeBytes(struct);
    Signature sig = owner.sign(Bytes32.of(Keccak.hash(digest.toByteArray())));
    byte[] permit =
        Abi.call("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)")
            .address(owner.address())
            .address(spender)
            .uint(value)
            .uint(FAR_FUTURE)
            .uint(sig.v())
            .bytes32(Abi.word(sig.r()))
            .bytes32(Abi.word(sig.s()))
            .encode();

    assertThat(succeeded(devnet.sendAs(relayer, info.token(), permit))).isTrue();
    assertThat(
            Abi.decodeUint(
                call(
                    devnet,
                    info.token(),
                    Abi.call("allowance(address,address)")
                        .address(owner.address())
                        .address(spender)
                        .encode()),
                0))
        .isEqualTo(value);
    assertThat(
            Abi.decodeUint(
                call(
                    devnet,
                    info.token(),
                    Abi.call("nonces(address)").address(owner.address()).encode()),
                0))
        .isEqualTo(nonce.add(BigInteger.ONE));
    // A replay is refused: the nonce moved on.
    assertThat(succeeded(devnet.sendAs(relayer, info.token(), permit))).isFalse();
  }

  @Test
  void erc6492FactoryDeploysTheWalletItPredictsAndTheWalletValidatesItsOwnersSignatures()
      throws Exception {
    DevnetInfo info = devnet.info();
    EvmAddress factory = info.erc6492Factory();
    assertThat(factory).isEqualTo(Devnet.ERC6492_FACTORY);
    PrivateKeySigner owner = PrivateKeySigner.fromBytes(Keccak.hash("6492 wallet owner"));
    BigInteger salt = BigInteger.valueOf(42);
    EvmAddress predicted =
        Abi.decodeAddress(
            call(
                devnet,
                factory,
                Abi.call("predict(address,uint256)").address(owner.address()).uint(salt).encode()),
            0);
    assertThat(devnet.rpc().call("eth_getCode", predicted.toLowerHex(), "latest").join().asText())
        .isEqualTo("0x");
    EvmAddress otherSalt =
        Abi.decodeAddress(
            call(
                devnet,
                factory,
                Abi.call("predict(address,uint256)").address(owner.address()).uint(43).encode()),
            0);
    assertThat(otherSalt).isNotEqualTo(predicted);

    byte[] deploy =
        Abi.call("deploy(address,uint256)").address(owner.address()).uint(salt).encode();
    assertThat(Abi.decodeAddress(call(devnet, factory, deploy), 0)).isEqualTo(predicted);
    EvmAddress anyone = info.requireAccount("facilitator").address();
    assertThat(succeeded(devnet.sendAs(anyone, factory, deploy))).isTrue();
    assertThat(devnet.rpc().call("eth_getCode", predicted.toLowerHex(), "latest").join().asText())
        .hasSizeGreaterThan(10);
    // Deploying again is harmless and answers the same wallet.
    assertThat(succeeded(devnet.sendAs(anyone, factory, deploy))).isTrue();
    assertThat(Abi.decodeAddress(call(devnet, factory, deploy), 0)).isEqualTo(predicted);

    Bytes32 hash = Bytes32.of(Keccak.hash("what the wallet signs"));
    byte[] valid =
        call(
            devnet,
            predicted,
            Abi.call("isValidSignature(bytes32,bytes)")
                .bytes32(hash.toBytes())
                .bytes(owner.sign(hash).toBytes())
                .encode());
    assertThat(Hex.encode(valid).substring(0, 10)).isEqualTo("0x1626ba7e");
    byte[] invalid =
        call(
            devnet,
            predicted,
            Abi.call("isValidSignature(bytes32,bytes)")
                .bytes32(hash.toBytes())
                .bytes(info.requireAccount("buyer").signer().sign(hash).toBytes())
                .encode());
    assertThat(Hex.encode(invalid).substring(0, 10)).isEqualTo("0xffffffff");
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
