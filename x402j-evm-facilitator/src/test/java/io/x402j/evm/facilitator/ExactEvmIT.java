package io.x402j.evm.facilitator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.Bytes32;
import io.x402j.evm.Eip3009;
import io.x402j.evm.Eip3009Authorization;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import io.x402j.evm.Signer;
import io.x402j.evm.facilitator.internal.Erc6492Signature;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The exact scheme on a real chain: anvil with the EIP-3009 test dollar. */
class ExactEvmIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final TokenAmount PRICE = TokenAmount.of(10_000); // one cent

  static Devnet devnet;
  static DevnetInfo info;
  static PrivateKeySigner buyer;
  static PrivateKeySigner poor;
  static EvmAddress seller;
  static List<PrivateKeySigner> gasPayers;

  @BeforeAll
  static void startChain() throws Exception {
    devnet =
        Devnet.start(
            DevnetOptions.builder()
                .account("facilitator-1", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("facilitator-2", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("facilitator-3", ETH.multiply(BigInteger.TEN), BigInteger.ZERO)
                .account("buyer", ETH, BigInteger.valueOf(1_000_000_000))
                .account("poor", ETH, BigInteger.ZERO)
                .account("seller", BigInteger.ZERO, BigInteger.ZERO)
                .build());
    info = devnet.info();
    buyer = info.requireAccount("buyer").signer();
    poor = info.requireAccount("poor").signer();
    seller = info.requireAccount("seller").address();
    gasPayers =
        List.of(
            info.requireAccount("facilitator-1").signer(),
            info.requireAccount("facilitator-2").signer(),
            info.requireAccount("facilitator-3").signer());
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  static JsonRpcClient rpc() {
    return JsonRpcClient.builder(info.rpcUrl()).build();
  }

  static EvmNetworkConfig.Builder network(JsonRpcClient rpc, Signer... signers) {
    EvmNetworkConfig.Builder b = EvmNetworkConfig.builder(info.networkInfo(), rpc);
    for (Signer signer : signers) {
      b.signer(signer);
    }
    return b;
  }

  static ExactEvmFacilitator facilitator(Signer... signers) {
    return ExactEvmFacilitator.builder().network(network(rpc(), signers).build()).build();
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

  static SchemeRequest paid(
      Signer payer, PaymentRequirements signedFor, PaymentRequirements required) {
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(2, signedFor);
    return new SchemeRequest(
        2,
        PaymentPayload.of(ResourceInfo.of("http://127.0.0.1/weather"), required, payload),
        required);
  }

  static SchemeRequest paid(Signer payer) {
    return paid(payer, requirements(), requirements());
  }

  /** A payment whose authorization is built by hand and signed under the given domain. */
  static SchemeRequest handSigned(
      Signer payer,
      Eip3009Authorization authorization,
      String name,
      String version,
      long chainId,
      java.util.function.UnaryOperator<Signature> tamper) {
    Bytes32 digest =
        Eip3009.digest(
            Eip3009.domainSeparator(name, version, chainId, info.token()), authorization);
    Signature signature = tamper.apply(payer.sign(digest));
    ExactEvmPayload payload = new ExactEvmPayload(signature.toString(), authorization);
    PaymentRequirements required = requirements();
    return new SchemeRequest(
        2,
        PaymentPayload.of(ResourceInfo.of("http://127.0.0.1/weather"), required, payload.toMap()),
        required);
  }

  static Eip3009Authorization authorization(Signer payer, long validAfter, long validBefore) {
    return new Eip3009Authorization(
        payer.address(),
        seller,
        PRICE,
        BigInteger.valueOf(validAfter),
        BigInteger.valueOf(validBefore),
        Bytes32.random(new SecureRandom()));
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  static VerifyResponse verify(ExactEvmFacilitator facilitator, SchemeRequest request) {
    return facilitator.verify(request).join();
  }

  static long nonceOf(String txHash) {
    JsonNode tx = rpc().call("eth_getTransactionByHash", txHash).join();
    return Hex.parseQuantity(tx.path("nonce").asText()).longValueExact();
  }

  static String senderOf(String txHash) {
    return rpc()
        .call("eth_getTransactionByHash", txHash)
        .join()
        .path("from")
        .asText()
        .toLowerCase();
  }

  static long transactionCount(EvmAddress address) {
    return devnet.transactionCount(address);
  }

  @Test
  void aPaymentSignedByOurClientVerifiesAndSettlesExactly() {
    try (ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0))) {
      SchemeRequest request = paid(buyer);
      BigInteger buyerBefore = devnet.tokenBalance(buyer.address());
      BigInteger sellerBefore = devnet.tokenBalance(seller);

      VerifyResponse verdict = verify(facilitator, request);
      SettleResponse settled = facilitator.settle(request).join();

      assertThat(verdict.isValid()).as("%s", verdict).isTrue();
      assertThat(verdict.payer()).isEqualTo(buyer.address().toString());
      assertThat(settled.success()).as("%s", settled).isTrue();
      assertThat(settled.transaction()).matches("0x[0-9a-f]{64}");
      assertThat(settled.network()).isEqualTo("eip155:31337");
      assertThat(settled.payer()).isEqualTo(buyer.address().toString());
      assertThat(settled.amount()).isEqualTo(PRICE);
      assertThat(devnet.tokenBalance(buyer.address()))
          .isEqualTo(buyerBefore.subtract(PRICE.value()));
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE.value()));

      JsonNode receipt = rpc().call("eth_getTransactionReceipt", settled.transaction()).join();
      assertThat(receipt.path("status").asText()).isEqualTo("0x1");
      assertThat(receipt.path("from").asText())
          .isEqualToIgnoringCase(gasPayers.get(0).address().toLowerHex());
      ExactEvmPayload payload = ExactEvmPayload.fromMap(request.payload().payload());
      assertThat(devnet.authorizationUsed(buyer.address(), payload.authorization().nonce()))
          .isTrue();
    }
  }

  @Test
  void protocolV1PaymentsSettleToo() {
    V1Translation v1 =
        new V1Translation(
            NetworkRegistry.defaults().toBuilder().network(info.networkInfo()).build());
    PaymentRequirementsV1 requirements =
        PaymentRequirementsV1.builder()
            .network("x402j-devnet")
            .maxAmountRequired(PRICE)
            .resource("http://127.0.0.1/weather")
            .description("weather")
            .mimeType("application/json")
            .payTo(seller.toString())
            .asset(info.token().toString())
            .extra("name", info.tokenName())
            .extra("version", info.tokenVersion())
            .build();
    Map<String, Object> payload =
        ExactEvmClient.of(buyer).createPayload(1, v1.requirements(requirements));
    VerifyRequest translated =
        v1.request(
            io.x402j.core.wire.FacilitatorRequest.of(
                io.x402j.core.wire.PaymentPayloadV1.of("exact", "x402j-devnet", payload),
                requirements));
    SchemeRequest request =
        new SchemeRequest(1, translated.paymentPayload(), translated.paymentRequirements());

    try (ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0))) {
      assertThat(verify(facilitator, request).isValid()).isTrue();
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as("%s", settled).isTrue();
      assertThat(v1.toV1(settled).network()).isEqualTo("x402j-devnet");
    }
    assertThat(ExactEvmPayload.fromMap(payload).authorization().validAfter())
        .as("v1 clients send validAfter = now - 600")
        .isLessThan(BigInteger.valueOf(now() - 500));
  }

  @Test
  void aSmartWalletPaysThroughErc1271() throws IOException {
    EvmAddress wallet = devnet.deploySmartWallet(buyer.address());
    devnet.mint(wallet, BigInteger.valueOf(1_000_000));
    Eip3009Authorization authorization =
        new Eip3009Authorization(
            wallet,
            seller,
            PRICE,
            BigInteger.ZERO,
            BigInteger.valueOf(now() + 60),
            Bytes32.random(new SecureRandom()));
    // The wallet accepts its owner's signature of the digest.
    SchemeRequest request =
        handSigned(
            buyer, authorization, info.tokenName(), info.tokenVersion(), info.chainId(), s -> s);

    try (ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0))) {
      VerifyResponse verdict = verify(facilitator, request);
      assertThat(verdict.isValid()).as("%s", verdict).isTrue();
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).as("%s", settled).isTrue();
    }
    assertThat(devnet.tokenBalance(wallet))
        .isEqualTo(BigInteger.valueOf(1_000_000).subtract(PRICE.value()));
  }

  @Test
  void checksAfterTheSignatureWaitForASmartWalletsVerdict() throws IOException {
    EvmAddress wallet = devnet.deploySmartWallet(buyer.address());
    devnet.mint(wallet, BigInteger.valueOf(1_000_000));
    Eip3009Authorization underpaying =
        new Eip3009Authorization(
            wallet,
            seller,
            TokenAmount.of(1),
            BigInteger.ZERO,
            BigInteger.valueOf(now() + 60),
            Bytes32.random(new SecureRandom()));
    SchemeRequest byOwner =
        handSigned(
            buyer, underpaying, info.tokenName(), info.tokenVersion(), info.chainId(), s -> s);
    SchemeRequest byStranger =
        handSigned(
            poor, underpaying, info.tokenName(), info.tokenVersion(), info.chainId(), s -> s);

    try (ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0))) {
      // The wallet accepts its owner's signature: then the value is what is wrong.
      assertThat(verify(facilitator, byOwner).reason())
          .hasValue(ErrorReason.EXACT_EVM_VALUE_MISMATCH);
      // Nobody accepts a stranger's: the signature comes first, as in the official order.
      assertThat(verify(facilitator, byStranger).reason())
          .hasValue(ErrorReason.EXACT_EVM_SIGNATURE);
    }
  }

  /** One test per reason a payment is refused. */
  @Nested
  class Rejections {
    ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0));

    void refused(SchemeRequest request, ErrorReason reason) {
      VerifyResponse verdict = verify(facilitator, request);
      assertThat(verdict.isValid()).as("verify %s", verdict).isFalse();
      assertThat(verdict.reason()).as("verify %s", verdict).hasValue(reason);
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.success()).isFalse();
      assertThat(settled.reason()).as("settle %s", settled).hasValue(reason);
      assertThat(settled.transaction()).isEmpty();
    }

    @Test
    void expired() {
      ExactEvmClient late =
          ExactEvmClient.of(
              buyer, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)), new SecureRandom());
      PaymentRequirements r = requirements();
      SchemeRequest request =
          new SchemeRequest(2, PaymentPayload.of(null, r, late.createPayload(2, r)), r);
      refused(request, ErrorReason.EXACT_EVM_VALID_BEFORE);
    }

    @Test
    void expiringWithinTheSixSecondMargin() {
      Eip3009Authorization soon = authorization(buyer, 0, now() + 3);
      refused(
          handSigned(buyer, soon, info.tokenName(), info.tokenVersion(), info.chainId(), s -> s),
          ErrorReason.EXACT_EVM_VALID_BEFORE);
    }

    @Test
    void notYetValid() {
      Eip3009Authorization later = authorization(buyer, now() + 3600, now() + 7200);
      refused(
          handSigned(buyer, later, info.tokenName(), info.tokenVersion(), info.chainId(), s -> s),
          ErrorReason.EXACT_EVM_VALID_AFTER);
    }

    @Test
    void valueAboveTheAmount() {
      PaymentRequirements more = requirements().toBuilder().amount(TokenAmount.of(10_001)).build();
      refused(paid(buyer, more, requirements()), ErrorReason.EXACT_EVM_VALUE_MISMATCH);
    }

    @Test
    void valueBelowTheAmount() {
      PaymentRequirements less = requirements().toBuilder().amount(TokenAmount.of(9_999)).build();
      refused(paid(buyer, less, requirements()), ErrorReason.EXACT_EVM_VALUE_MISMATCH);
    }

    @Test
    void wrongRecipient() {
      PaymentRequirements elsewhere =
          requirements().toBuilder().payTo(poor.address().toString()).build();
      refused(paid(buyer, elsewhere, requirements()), ErrorReason.EXACT_EVM_RECIPIENT_MISMATCH);
    }

    @Test
    void signedForAnotherChain() {
      Eip3009Authorization a = authorization(buyer, 0, now() + 60);
      refused(
          handSigned(buyer, a, info.tokenName(), info.tokenVersion(), 1, s -> s),
          ErrorReason.EXACT_EVM_SIGNATURE);
    }

    @Test
    void wrongDomainName() {
      PaymentRequirements wrong = requirements().toBuilder().extra("name", "Not The Token").build();
      refused(paid(buyer, wrong, wrong), ErrorReason.EXACT_EVM_TOKEN_NAME_MISMATCH);
    }

    @Test
    void wrongDomainVersion() {
      PaymentRequirements wrong = requirements().toBuilder().extra("version", "9").build();
      refused(paid(buyer, wrong, wrong), ErrorReason.EXACT_EVM_TOKEN_VERSION_MISMATCH);
    }

    @Test
    void tamperedSignature() {
      Eip3009Authorization a = authorization(buyer, 0, now() + 60);
      refused(
          handSigned(
              buyer,
              a,
              info.tokenName(),
              info.tokenVersion(),
              info.chainId(),
              s -> Signature.of(s.r().add(BigInteger.ONE), s.s(), s.v())),
          ErrorReason.EXACT_EVM_SIGNATURE);
    }

    @Test
    void tamperedAuthorization() {
      SchemeRequest honest = paid(buyer);
      ExactEvmPayload payload = ExactEvmPayload.fromMap(honest.payload().payload());
      Eip3009Authorization a = payload.authorization();
      Eip3009Authorization longer =
          new Eip3009Authorization(
              a.from(),
              a.to(),
              a.value(),
              a.validAfter(),
              a.validBefore().add(BigInteger.ONE),
              a.nonce());
      PaymentRequirements r = requirements();
      SchemeRequest forged =
          new SchemeRequest(
              2,
              PaymentPayload.of(null, r, new ExactEvmPayload(payload.signature(), longer).toMap()),
              r);
      refused(forged, ErrorReason.EXACT_EVM_SIGNATURE);
    }

    @Test
    void highSSignatureIsRefusedBeforeAnyRpc() throws IOException {
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      JsonRpcClient nowhere =
          JsonRpcClient.builder("http://127.0.0.1:" + closedPort).maxAttempts(1).build();
      try (ExactEvmFacilitator offline =
          ExactEvmFacilitator.builder()
              .network(network(nowhere, gasPayers.get(0)).build())
              .build()) {
        Eip3009Authorization a = authorization(buyer, 0, now() + 60);
        // (r, n - s, v flipped) is the same signature's malleable twin: it recovers to the payer.
        SchemeRequest request =
            handSigned(
                buyer,
                a,
                info.tokenName(),
                info.tokenVersion(),
                info.chainId(),
                s ->
                    Signature.of(
                        s.r(), Signature.CURVE_ORDER.subtract(s.s()), s.v() == 27 ? 28 : 27));

        VerifyResponse verdict = offline.verify(request).join();

        assertThat(verdict.reason()).hasValue(ErrorReason.EXACT_EVM_SIGNATURE);
        assertThat(verdict.invalidMessage()).contains("high s");
      }
    }

    @Test
    void nonceAlreadyUsed() {
      SchemeRequest request = paid(buyer);
      assertThat(facilitator.settle(request).join().success()).isTrue();

      VerifyResponse replay = verify(facilitator, request);

      assertThat(replay.reason()).hasValue(ErrorReason.EXACT_EVM_NONCE_ALREADY_USED);
    }

    @Test
    void insufficientBalance() {
      refused(paid(poor), ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE);
    }

    @Test
    void assetWithoutCode() {
      EvmAddress empty = PrivateKeySigner.generate(new SecureRandom()).address();
      PaymentRequirements r = requirements().toBuilder().asset(empty.toString()).build();
      try (ExactEvmFacilitator allowing =
          ExactEvmFacilitator.builder()
              .network(network(rpc(), gasPayers.get(0)).asset(empty).build())
              .build()) {
        facilitator = allowing;
        refused(paid(buyer, r, r), ErrorReason.ASSET_NOT_DEPLOYED_CONTRACT);
      }
    }

    @Test
    void assetNotAccepted() {
      EvmAddress other = PrivateKeySigner.generate(new SecureRandom()).address();
      PaymentRequirements r = requirements().toBuilder().asset(other.toString()).build();
      refused(paid(buyer, r, r), ErrorReason.UNSUPPORTED_ASSET);
    }

    @Test
    void networkMismatch() {
      PaymentRequirements onBase =
          requirements().toBuilder().network(io.x402j.core.Network.evm(8453)).build();
      Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, requirements());
      SchemeRequest request =
          new SchemeRequest(2, PaymentPayload.of(null, onBase, payload), requirements());
      refused(request, ErrorReason.EXACT_EVM_NETWORK_MISMATCH);
    }
  }

  @Test
  void counterfactualWalletSignaturesOfAFactoryNotAllowedAreRefused() {
    SchemeRequest honest = paid(buyer);
    ExactEvmPayload payload = ExactEvmPayload.fromMap(honest.payload().payload());
    // An ERC-6492 signature wraps (factory, calldata, signature) and ends with the magic suffix;
    // the payer has no code and no factory is allowed by default.
    String wrapped =
        Hex.encode(
            Erc6492Signature.wrap(
                EvmAddress.parse("0x00000000000000000000000000000000000064f2"),
                Hex.decode("0x01020304"),
                payload.signatureBytes()));
    PaymentRequirements r = requirements();
    SchemeRequest request =
        new SchemeRequest(
            2,
            PaymentPayload.of(
                null, r, new ExactEvmPayload(wrapped, payload.authorization()).toMap()),
            r);
    try (ExactEvmFacilitator facilitator = facilitator(gasPayers.get(0))) {
      VerifyResponse verdict = verify(facilitator, request);
      assertThat(verdict.reason()).hasValue(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED);
      assertThat(verdict.invalidMessage()).contains("is not allowed to deploy");
      SettleResponse settled = facilitator.settle(request).join();
      assertThat(settled.reason()).hasValue(ErrorReason.EIP6492_FACTORY_NOT_ALLOWED);
      assertThat(settled.transaction()).isEmpty();
    }
  }

  @Test
  void theGasCapRefusesBeforeAnythingIsSigned() {
    PrivateKeySigner gas = gasPayers.get(0);
    long sentBefore = transactionCount(gas.address());
    try (ExactEvmFacilitator capped =
        ExactEvmFacilitator.builder()
            .network(network(rpc(), gas).gasLimitCap(30_000).build())
            .build()) {
      SettleResponse settled = capped.settle(paid(buyer)).join();

      assertThat(settled.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
      assertThat(settled.errorMessage()).contains("above the cap of 30000");
      assertThat(settled.transaction()).isEmpty();
    }
    assertThat(transactionCount(gas.address())).isEqualTo(sentBefore);
  }

  @Test
  void theFeeCapRefusesWhenTheNetworkIsDearer() {
    try (ExactEvmFacilitator capped =
        ExactEvmFacilitator.builder()
            .network(network(rpc(), gasPayers.get(0)).maxFeePerGas(BigInteger.ONE).build())
            .build()) {
      SettleResponse settled = capped.settle(paid(buyer)).join();

      assertThat(settled.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
      assertThat(settled.errorMessage()).contains("above the cap of 1");
    }
  }

  @Test
  void aGasPayerWithoutEthIsReportedAndItsNonceReleased() {
    PrivateKeySigner broke = PrivateKeySigner.generate(new SecureRandom());
    try (ExactEvmFacilitator facilitator = facilitator(broke)) {
      SchemeRequest request = paid(buyer);
      SettleResponse settled = facilitator.settle(request).join();

      assertThat(settled.reason()).as("%s", settled).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
      assertThat(settled.errorMessage()).contains("too little ETH for gas");
      assertThat(settled.transaction()).isEmpty();
      ExactEvmFacilitator.LaneStats lane = facilitator.laneStats(info.network()).get(0);
      assertThat(lane.nextNonce()).as("the refused nonce is free again").isZero();
      assertThat(lane.inFlight()).isZero();

      // The payment was not spent: a working facilitator can still settle it.
      try (ExactEvmFacilitator working = facilitator(gasPayers.get(1))) {
        assertThat(working.settle(request).join().success()).isTrue();
      }
    }
  }

  @Test
  void twentyConcurrentSettlesThroughOneSignerUseContiguousNonces() {
    assertConcurrentSettles(List.of(gasPayers.get(0)), 20);
  }

  @Test
  void twentyConcurrentSettlesThroughThreeSignersUseContiguousNoncesPerSigner() {
    assertConcurrentSettles(gasPayers, 20);
  }

  private void assertConcurrentSettles(List<PrivateKeySigner> signers, int count) {
    Map<String, Long> before = new TreeMap<>();
    for (PrivateKeySigner signer : signers) {
      before.put(signer.address().toLowerHex(), transactionCount(signer.address()));
    }
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    try (ExactEvmFacilitator facilitator = facilitator(signers.toArray(new Signer[0]))) {
      List<CompletableFuture<SettleResponse>> settles = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        settles.add(facilitator.settle(paid(buyer)));
      }
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());

      assertThat(results).allSatisfy(r -> assertThat(r.success()).as("%s", r).isTrue());
      Set<String> hashes =
          results.stream().map(SettleResponse::transaction).collect(Collectors.toSet());
      assertThat(hashes).hasSize(count);
      Map<String, List<Long>> noncesBySender =
          hashes.stream()
              .collect(
                  Collectors.groupingBy(
                      ExactEvmIT::senderOf,
                      Collectors.mapping(ExactEvmIT::nonceOf, Collectors.toList())));
      assertThat(noncesBySender.keySet()).isSubsetOf(before.keySet());
      if (signers.size() > 1) {
        assertThat(noncesBySender).as("round-robin uses every signer").hasSize(signers.size());
      }
      for (Map.Entry<String, List<Long>> entry : noncesBySender.entrySet()) {
        List<Long> nonces = entry.getValue().stream().sorted().collect(Collectors.toList());
        long first = before.get(entry.getKey());
        List<Long> expected = new ArrayList<>();
        for (long n = first; n < first + nonces.size(); n++) {
          expected.add(n);
        }
        assertThat(nonces).as("nonces of %s", entry.getKey()).isEqualTo(expected);
      }
      assertThat(devnet.tokenBalance(seller))
          .isEqualTo(sellerBefore.add(PRICE.value().multiply(BigInteger.valueOf(count))));
      facilitator.laneStats(info.network()).forEach(s -> assertThat(s.resyncs()).isZero());
    }
  }

  @Test
  void theSameAuthorizationSettledTwiceConcurrentlyMovesMoneyOnce() {
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    SettlementLedger shared = new InMemorySettlementLedger();
    try (ExactEvmFacilitator a =
            ExactEvmFacilitator.builder()
                .network(network(rpc(), gasPayers.get(0)).build())
                .ledger(shared)
                .build();
        ExactEvmFacilitator b =
            ExactEvmFacilitator.builder()
                .network(network(rpc(), gasPayers.get(1)).build())
                .ledger(shared)
                .build()) {
      SchemeRequest request = attempt(paid(buyer), "gate-one-attempt-1");

      CompletableFuture<SettleResponse> first = a.settle(request);
      CompletableFuture<SettleResponse> second = a.settle(request);
      CompletableFuture<SettleResponse> third = b.settle(request);
      SettleResponse r1 = first.join();
      SettleResponse r2 = second.join();
      SettleResponse r3 = third.join();

      assertThat(r1.success()).as("%s", r1).isTrue();
      assertThat(r2).isEqualTo(r1);
      assertThat(r3).isEqualTo(r1);
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE.value()));
      // The same attempt retried after the fact (its answer was lost) gets the stored answer;
      // anyone else asking to settle the same authorization is told it is a duplicate.
      assertThat(b.settle(request).join()).isEqualTo(r1);
      assertThat(b.settle(attempt(request, "gate-two-attempt-1")).join().reason())
          .hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
      assertThat(a.settle(attempt(request, null)).join().reason())
          .hasValue(ErrorReason.DUPLICATE_SETTLEMENT);
    }
  }

  static SchemeRequest attempt(SchemeRequest request, String settlementId) {
    return new SchemeRequest(
        request.x402Version(), request.payload(), request.requirements(), settlementId);
  }

  @Test
  void concurrentAttemptsFromDifferentServersGetOneSuccess() {
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    SettlementLedger shared = new InMemorySettlementLedger();
    try (ExactEvmFacilitator a =
            ExactEvmFacilitator.builder()
                .network(network(rpc(), gasPayers.get(0)).build())
                .ledger(shared)
                .build();
        ExactEvmFacilitator b =
            ExactEvmFacilitator.builder()
                .network(network(rpc(), gasPayers.get(1)).build())
                .ledger(shared)
                .build()) {
      SchemeRequest request = paid(buyer);
      List<CompletableFuture<SettleResponse>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        // Twelve servers, each with its own attempt (or none), on two facilitator instances.
        SchemeRequest mine = attempt(request, i % 3 == 0 ? null : "server-" + i + "-attempt-x");
        all.add((i % 2 == 0 ? a : b).settle(mine));
      }
      List<SettleResponse> answers = all.stream().map(CompletableFuture::join).toList();

      assertThat(answers.stream().filter(SettleResponse::success)).hasSize(1);
      assertThat(answers.stream().filter(r -> !r.success()))
          .allSatisfy(r -> assertThat(r.reason()).hasValue(ErrorReason.DUPLICATE_SETTLEMENT));
      assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE.value()));
    }
  }

  @Test
  void aReceiptNotSeenInTimeIsPendingThenFollowedWithoutASecondTransaction() {
    PrivateKeySigner gas = gasPayers.get(2);
    try (ExactEvmFacilitator facilitator =
        ExactEvmFacilitator.builder()
            .network(network(rpc(), gas).receiptTimeout(Duration.ofSeconds(1)).build())
            .build()) {
      SchemeRequest request = attempt(paid(buyer), "pending-follow-attempt");
      long sentBefore = transactionCount(gas.address());
      devnet.setAutomine(false);
      SettleResponse pending;
      try {
        pending = facilitator.settle(request).join();
      } finally {
        devnet.mine();
        devnet.setAutomine(true);
      }

      assertThat(pending.success()).isFalse();
      assertThat(pending.isPending()).as("%s", pending).isTrue();
      assertThat(pending.transaction()).matches("0x[0-9a-f]{64}");

      SettleResponse followed = facilitator.settle(request).join();

      assertThat(followed.success()).as("%s", followed).isTrue();
      assertThat(followed.transaction()).isEqualTo(pending.transaction());
      assertThat(transactionCount(gas.address())).isEqualTo(sentBefore + 1);
    }
  }

  @Nested
  class BrokenNodes {
    void answersWithinBounds(JsonRpcClient node) {
      try (ExactEvmFacilitator facilitator =
          ExactEvmFacilitator.builder().network(network(node, gasPayers.get(0)).build()).build()) {
        SchemeRequest request = paid(buyer);
        long start = System.nanoTime();

        VerifyResponse verdict = facilitator.verify(request).join();
        SettleResponse settled = facilitator.settle(request).join();

        assertThat(verdict.reason()).hasValue(ErrorReason.UNEXPECTED_VERIFY_ERROR);
        assertThat(verdict.invalidMessage()).contains("127.0.0.1");
        assertThat(settled.reason()).hasValue(ErrorReason.UNEXPECTED_SETTLE_ERROR);
        assertThat(settled.transaction()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      }
    }

    @Test
    void nodeDown() throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      answersWithinBounds(
          JsonRpcClient.builder("http://127.0.0.1:" + port)
              .maxAttempts(2)
              .backoff(Duration.ofMillis(10))
              .build());
    }

    @Test
    void nodeAnswersGarbage() throws Exception {
      try (FakeNode node =
          new FakeNode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")) {
        answersWithinBounds(JsonRpcClient.builder(node.url()).maxAttempts(2).build());
      }
    }

    @Test
    void nodeHangs() throws Exception {
      try (FakeNode node = new FakeNode(null)) {
        answersWithinBounds(
            JsonRpcClient.builder(node.url())
                .timeout(Duration.ofMillis(500))
                .maxAttempts(2)
                .backoff(Duration.ofMillis(10))
                .build());
      }
    }
  }

  /** A TCP server that answers every connection with fixed bytes, or never answers. */
  static final class FakeNode implements AutoCloseable {
    private final ServerSocket server =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread acceptor;

    FakeNode(String response) throws IOException {
      acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket socket = server.accept();
                    open.add(socket);
                    if (response != null) {
                      socket.getInputStream().read(new byte[8192]);
                      OutputStream out = socket.getOutputStream();
                      out.write(response.getBytes(StandardCharsets.US_ASCII));
                      out.flush();
                      socket.close();
                    }
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : open) {
        socket.close();
      }
    }
  }
}
