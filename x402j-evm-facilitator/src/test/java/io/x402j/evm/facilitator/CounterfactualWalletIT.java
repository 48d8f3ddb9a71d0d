package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.internal.Erc6492Signature;
import io.x402j.evm.facilitator.internal.Multicall3;
import io.x402j.evm.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ERC-6492 counterfactual wallets on anvil: a wallet that does not exist yet pays through a factory
 * on the allow-list (deployed and paid from in one transaction), is refused through any other
 * factory, and a factory that reverts is named; a wallet deployed meanwhile is paid from directly.
 */
class CounterfactualWalletIT {
  private static final BigInteger ETH = BigInteger.TEN.pow(18);
  private static final TokenAmount PRICE = TokenAmount.of(10_000);
  private static final AtomicLong SALTS = new AtomicLong(1);

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner gasPayer;
  static EvmAddress seller;
  static EvmAddress factory;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("facilitator", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    gasPayer = info.requireAccount("facilitator").signer();
    seller = info.requireAccount("seller").address();
    factory = info.erc6492Factory();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static JsonRpcClient rpc() {
    return JsonRpcClient.builder(info.rpcUrl()).build();
  }

  static ExactEvmFacilitator facilitator(EvmAddress... allowedFactories) {
    EvmNetworkConfig.Builder network =
        EvmNetworkConfig.builder(info.networkInfo(), rpc()).signer(gasPayer).gasLimitCap(600_000);
    for (EvmAddress allowed : allowedFactories) {
      network.allowEip6492Factory(allowed);
    }
    return ExactEvmFacilitator.builder().network(network.build()).build();
  }

  static PaymentRequirements requirements() {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(PRICE)
        .asset(info.token().toString())
        .payTo(seller.toString())
        .maxTimeoutSeconds(60)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  /** A wallet owned by a fresh key, funded with tokens but not deployed. */
  record Wallet(PrivateKeySigner owner, BigInteger salt, EvmAddress address) {
    byte[] deployCall() {
      return Abi.call("deploy(address,uint256)").address(owner.address()).uint(salt).encode();
    }
  }

  static Wallet undeployedWallet() throws Exception {
    PrivateKeySigner owner = PrivateKeySigner.generate(new SecureRandom());
    BigInteger salt = BigInteger.valueOf(SALTS.getAndIncrement());
    JsonNode answer =
        rpc()
            .call(
                "eth_call",
                Eip3009Calls.callObject(
                    null,
                    factory,
                    Abi.call("predict(address,uint256)")
                        .address(owner.address())
                        .uint(salt)
                        .encode()),
                "latest")
            .join();
    EvmAddress address = Abi.decodeAddress(Hex.decode(answer.asText()), 0);
    devnet.mint(address, PRICE.value().multiply(BigInteger.TEN));
    assertThat(hasCode(address)).isFalse();
    return new Wallet(owner, salt, address);
  }

  static boolean hasCode(EvmAddress address) {
    String code = rpc().call("eth_getCode", address.toLowerHex(), "latest").join().asText();
    return !code.equals("0x") && !code.isEmpty();
  }

  /** A payment from the wallet, its owner's signature wrapped with {@code factoryCall}. */
  static SchemeRequest paid(Wallet wallet, EvmAddress through, byte[] factoryCall) {
    long now = System.currentTimeMillis() / 1000;
    Eip3009Authorization a =
        new Eip3009Authorization(
            wallet.address(),
            seller,
            PRICE,
            BigInteger.ZERO,
            BigInteger.valueOf(now + 300),
            Bytes32.random(new SecureRandom()));
    Bytes32 digest =
        Eip3009.digest(
            Eip3009.domainSeparator(
                info.tokenName(), info.tokenVersion(), info.chainId(), info.token()),
            a);
    byte[] inner = wallet.owner().sign(digest).toBytes();
    String signature = Hex.encode(Erc6492Signature.wrap(through, factoryCall, inner));
    PaymentRequirements r = requirements();
    return new SchemeRequest(
        2,
        PaymentPayload.of(
            ResourceInfo.of("http://127.0.0.1/weather"),
            r,
            new ExactEvmPayload(signature, a).toMap()),
        r);
  }

  @Test
  void anUndeployedWalletPaysThroughAnAllowedFactoryInOneTransaction() throws Exception {
    Wallet wallet = undeployedWallet();
    SchemeRequest paid = paid(wallet, factory, wallet.deployCall());
    // One settlement attempt of the resource server: its retries follow the same settlement.
    SchemeRequest request =
        new SchemeRequest(2, paid.payload(), paid.requirements(), "attempt-" + wallet.salt());
    BigInteger before = devnet.tokenBalance(seller);
    try (ExactEvmFacilitator facilitator = facilitator(factory)) {
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.isValid()).as(verdict.toString()).isTrue();
      assertThat(hasCode(wallet.address())).as("verify only simulates").isFalse();

      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as(settled.toString()).isTrue();
      assertThat(hasCode(wallet.address())).isTrue();
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE.value()));
      JsonNode tx = rpc().call("eth_getTransactionByHash", settled.transaction()).join();
      assertThat(EvmAddress.parse(tx.path("to").asText())).isEqualTo(Multicall3.ADDRESS);

      // Settling the same payment again answers from the ledger: no second deployment or transfer.
      SettleResponse again = facilitator.settle(request).join();
      assertThat(again.success()).as(again.toString()).isTrue();
      assertThat(again.transaction()).isEqualTo(settled.transaction());
      assertThat(devnet.tokenBalance(seller)).isEqualTo(before.add(PRICE.value()));

      // The wallet exists now: a later wrapped payment is paid from directly, no deployment.
      SchemeRequest later = paid(wallet, factory, wallet.deployCall());
      SettleResponse direct = facilitator.settle(later).join();
      assertThat(direct.success()).as(direct.toString()).isTrue();
      JsonNode directTx = rpc().call("eth_getTransactionByHash", direct.transaction()).join();
      assertThat(EvmAddress.parse(directTx.path("to").asText())).isEqualTo(info.token());
    }
  }

  @Test
  void aFactoryNotOnTheAllowListIsRefusedAndNothingIsSent() throws Exception {
    Wallet wallet = undeployedWallet();
    SchemeRequest request = paid(wallet, factory, wallet.deployCall());
    long sent = devnet.transactionCount(gasPayer.address());
    try (ExactEvmFacilitator facilitator = facilitator()) {
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.reason()).hasValue(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED);
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.reason()).hasValue(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED);
      assertThat(settled.transaction()).isEmpty();
    }
    try (ExactEvmFacilitator facilitator =
        facilitator(EvmAddress.parse("0x00000000000000000000000000000000000064f2"))) {
      assertThat(facilitator.verify(request).join().reason())
          .hasValue(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED);
    }
    assertThat(devnet.transactionCount(gasPayer.address())).isEqualTo(sent);
    assertThat(hasCode(wallet.address())).isFalse();
  }

  @Test
  void aFactoryThatRevertsIsASmartWalletDeploymentFailure() throws Exception {
    Wallet wallet = undeployedWallet();
    // The factory has no such function: the deployment reverts.
    byte[] broken = Abi.call("deployBroken(address)").address(wallet.owner().address()).encode();
    SchemeRequest request = paid(wallet, factory, broken);
    long sent = devnet.transactionCount(gasPayer.address());
    try (ExactEvmFacilitator facilitator = facilitator(factory)) {
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.reason()).hasValue(ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED);
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.reason()).hasValue(ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED);
      assertThat(settled.transaction()).isEmpty();
    }
    assertThat(devnet.transactionCount(gasPayer.address())).isEqualTo(sent);
  }

  @Test
  void aWalletThatRefusesTheSignatureIsAnInvalidSignature() throws Exception {
    Wallet wallet = undeployedWallet();
    Wallet stranger = undeployedWallet();
    // Deploys the wallet, but the owner of another wallet signed.
    SchemeRequest signed = paid(stranger, factory, stranger.deployCall());
    ExactEvmPayload payload = ExactEvmPayload.fromMap(signed.payload().payload());
    Erc6492Signature parts = Erc6492Signature.parse(payload.signatureBytes()).orElseThrow();
    Eip3009Authorization theirs = payload.authorization();
    Eip3009Authorization mine =
        new Eip3009Authorization(
            wallet.address(),
            theirs.to(),
            theirs.value(),
            theirs.validAfter(),
            theirs.validBefore(),
            theirs.nonce());
    String wrapped = Hex.encode(Erc6492Signature.wrap(factory, wallet.deployCall(), parts.inner()));
    PaymentRequirements r = requirements();
    SchemeRequest request =
        new SchemeRequest(
            2, PaymentPayload.of(null, r, new ExactEvmPayload(wrapped, mine).toMap()), r);
    try (ExactEvmFacilitator facilitator = facilitator(factory)) {
      assertThat(facilitator.verify(request).join().reason())
          .hasValue(ErrorReason.EXACT_EVM_SIGNATURE);
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).isFalse();
      assertThat(settled.transaction()).isEmpty();
    }
    assertThat(hasCode(wallet.address())).isFalse();
  }

  @Test
  void withoutMulticall3TheWalletCannotBeDeployedAndNothingIsSent() throws Exception {
    Wallet wallet = undeployedWallet();
    SchemeRequest request = paid(wallet, factory, wallet.deployCall());
    String code =
        rpc().call("eth_getCode", Multicall3.ADDRESS.toLowerHex(), "latest").join().asText();
    long sent = devnet.transactionCount(gasPayer.address());
    rpc().call("anvil_setCode", Multicall3.ADDRESS.toLowerHex(), "0x").join();
    try (ExactEvmFacilitator facilitator = facilitator(factory)) {
      VerifyResponse verdict = facilitator.verify(request).join();
      assertThat(verdict.reason()).hasValue(ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED);
      assertThat(verdict.invalidMessage()).contains("no usable Multicall3");
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.reason()).hasValue(ErrorReason.SMART_WALLET_DEPLOYMENT_FAILED);
      assertThat(settled.transaction()).isEmpty();
    } finally {
      rpc().call("anvil_setCode", Multicall3.ADDRESS.toLowerHex(), code).join();
    }
    assertThat(devnet.transactionCount(gasPayer.address())).isEqualTo(sent);
  }
}
