package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.Payer;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.mcp.testing.McpHttpServer;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentOption;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaTransaction;
import io.x402j.svm.rpc.SolanaRpcClient;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tools priced on Solana, all parts real: the Java MCP SDK server selling through {@link
 * McpPaywall}, the x402j facilitator (SQLite ledger) settling on the local Solana runtime (LiteSVM)
 * and on an anvil devnet mirroring Base Sepolia, and buyers paying with {@link PayingMcpClient} and
 * x402j's {@link ExactSvmClient}. One Solana runtime and one anvil for the class.
 */
class McpPaywallSolanaIT {
  static final BigInteger PRICE = BigInteger.valueOf(10_000); // $0.01, 6 decimals
  static final Network SOLANA = Network.parse(SolanaDevnet.NETWORK);
  static final String BASE58_SIGNATURE = "[1-9A-HJ-NP-Za-km-z]{64,88}";

  static TestMarket market;
  static SolanaDevnet solana;
  static SolanaRpcClient rpc;
  static FacilitatorApp facilitator;
  static McpHttpServer shop;
  static McpSyncClient mcp;
  static SolanaKeypair buyer;
  static String seller;
  static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia(); // the built-in registry knows its USDC
    solana = SolanaDevnet.start();
    rpc = SolanaRpcClient.connect(solana.info().rpcUrl());
    buyer = SolanaKeypair.fromBase58Secret(solana.info().requireAccount("buyer").privateKey());
    seller = solana.info().requireAccount("seller").address();
    Path dir = Files.createTempDirectory("x402j-mcp-solana");
    facilitator =
        FacilitatorApp.start(
            FacilitatorConfig.builder()
                .port(0)
                .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
                .network(
                    NetworkSettings.builder(market.network())
                        .rpcUrl(market.info().rpcUrl())
                        .signersFromEnv("EVM_KEYS")
                        .asset(market.info().token())
                        .pollInterval(Duration.ofMillis(50))
                        .blockTime(Duration.ofMillis(200))
                        .build())
                .network(
                    NetworkSettings.builder(SOLANA)
                        .rpcUrl(solana.info().rpcUrl())
                        .signersFromEnv("SOL_KEYS")
                        .mint(SolanaDevnet.USDC_DEVNET_MINT)
                        .receiptTimeout(Duration.ofSeconds(10))
                        .build())
                .build(),
            Map.of(
                "EVM_KEYS", market.info().requireAccount("facilitator").privateKey(),
                "SOL_KEYS", solana.info().requireAccount("facilitator").privateKey()),
            NetworkRegistry.defaults());
    McpPaywall paywall = McpPaywall.builder().facilitator(facilitator.service()).build();
    PaidRoute onSolana = PaidRoute.of("$0.01", SOLANA, seller);
    PaidRoute mixed =
        PaidRoute.builder()
            .accept(
                PaymentOption.builder(market.network())
                    .price("$0.01")
                    .payTo(market.payTo())
                    .build())
            .accept(PaymentOption.builder(SOLANA).price("$0.01").payTo(seller).build())
            .build();
    shop =
        McpHttpServer.start(
            List.of(
                paywall.sell(tool("weather", "sunny"), onSolana),
                paywall.sell(tool("forecast", "rain"), onSolana),
                paywall.sell(tool("either", "snow"), mixed)));
    mcp = shop.client();
  }

  @AfterAll
  static void stop() {
    if (mcp != null) {
      mcp.close();
    }
    if (shop != null) {
      shop.close();
    }
    if (facilitator != null) {
      facilitator.close();
    }
    if (solana != null) {
      solana.close();
    }
    if (market != null) {
      market.close();
    }
  }

  static SyncToolSpecification tool(String name, String answer) {
    return SyncToolSpecification.builder()
        .tool(McpSchema.Tool.builder(name, Map.of("type", "object")).build())
        .callHandler(
            (exchange, request) -> {
              runs.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
              return CallToolResult.builder()
                  .addTextContent(answer + " in " + request.arguments().get("city"))
                  .build();
            })
        .build();
  }

  static int runs(String tool) {
    return runs.computeIfAbsent(tool, n -> new AtomicInteger()).get();
  }

  static BigInteger tokens(String owner) {
    return solana.controls().tokenBalance(owner).amount();
  }

  static Payer svmPayer() {
    return Payer.builder()
        .svmSigner(buyer)
        .solanaRpcUrl(solana.info().rpcUrl())
        .spendControls(SpendControls.unlimited())
        .build();
  }

  static PayingMcpClient paying(Payer payer) {
    return PayingMcpClient.builder(mcp, payer).server(URI.create(shop.endpoint())).build();
  }

  static CallToolResult call(String tool, Map<String, Object> meta) {
    return mcp.callTool(new CallToolRequest(tool, Map.of("city", "Oslo"), meta));
  }

  static String text(CallToolResult result) {
    return ((McpSchema.TextContent) result.content().get(0)).text();
  }

  /** A Solana payment for the tool's (first) offer, signed by the buyer, not yet sent. */
  static PaymentPayload pay(String tool) {
    PaymentRequired required = McpPayments.paymentRequired(call(tool, null)).orElseThrow();
    PaymentRequirements offer = required.accepts().get(0);
    assertThat(offer.network()).isEqualTo(SOLANA);
    return PaymentPayload.of(
        required.resource(), offer, ExactSvmClient.of(buyer, rpc, rpc).createPayload(2, offer));
  }

  /** {@code payment} with its transaction replaced by {@code transaction}. */
  static Map<String, Object> meta(PaymentPayload payment, SolanaTransaction transaction) {
    Map<String, Object> meta = new LinkedHashMap<>(McpPayments.paymentMeta(payment));
    @SuppressWarnings("unchecked")
    Map<String, Object> sent = new LinkedHashMap<>((Map<String, Object>) meta.get("x402/payment"));
    sent.put("payload", new ExactSvmPayload(transaction).toMap());
    meta.put(McpPayments.PAYMENT_META, sent);
    return meta;
  }

  static SolanaTransaction transaction(PaymentPayload payment) {
    return ExactSvmPayload.parse(payment.payload()).transaction();
  }

  @Test
  void anUnpaidCallIsOfferedTheMintWithTheFacilitatorsFeePayer() {
    int ran = runs("weather");

    CallToolResult result = call("weather", null);

    assertThat(result.isError()).isTrue();
    PaymentRequired required = McpPayments.paymentRequired(result).orElseThrow();
    assertThat(required.accepts()).hasSize(1);
    PaymentRequirements offer = required.accepts().get(0);
    assertThat(offer.network()).isEqualTo(SOLANA);
    assertThat(offer.asset()).isEqualTo(SolanaDevnet.USDC_DEVNET_MINT);
    assertThat(offer.amount().value()).isEqualTo(PRICE);
    assertThat(offer.payTo()).isEqualTo(seller);
    assertThat(offer.extra())
        .containsEntry("feePayer", solana.info().requireAccount("facilitator").address());
    assertThat(runs("weather")).isEqualTo(ran);
  }

  @Test
  void aSolanaPayerBuysTheToolAndTheTokensMoveOnTheRuntime() {
    BigInteger sellerBefore = tokens(seller);
    BigInteger buyerBefore = tokens(buyer.address().toString());
    int ran = runs("weather");

    PaidToolResult r = paying(svmPayer()).callTool("weather", Map.of("city", "Oslo"));

    assertThat(r.isError()).isFalse();
    assertThat(((McpSchema.TextContent) r.result().content().get(0)).text())
        .isEqualTo("sunny in Oslo");
    assertThat(runs("weather")).isEqualTo(ran + 1);
    SettleResponse receipt = McpPayments.paymentResponse(r.result()).orElseThrow();
    assertThat(receipt.success()).isTrue();
    assertThat(receipt.network()).isEqualTo(SolanaDevnet.NETWORK);
    assertThat(receipt.transaction()).matches(BASE58_SIGNATURE);
    assertThat(receipt.payer()).isEqualTo(buyer.address().toString());
    assertThat(r.settled()).isTrue();
    assertThat(r.transaction()).contains(receipt.transaction());
    assertThat(r.amount()).contains(TokenAmount.of(PRICE));
    assertThat(r.network()).contains(SolanaDevnet.NETWORK);
    // The receipt names a transaction that landed on the runtime.
    com.fasterxml.jackson.databind.JsonNode landed =
        solana.controls().signatureStatus(receipt.transaction());
    assertThat(landed).isNotNull();
    assertThat(landed.path("err").isNull()).as("%s", landed).isTrue();
    assertThat(tokens(seller)).isEqualTo(sellerBefore.add(PRICE));
    assertThat(tokens(buyer.address().toString())).isEqualTo(buyerBefore.subtract(PRICE));
  }

  @Test
  void aSolanaPaymentBuysOneCallHoweverItsTransactionIsReSigned() {
    PaymentPayload payment = pay("forecast");
    CallToolResult paid = call("forecast", McpPayments.paymentMeta(payment));
    assertThat(text(paid)).isEqualTo("rain in Oslo");
    assertThat(McpPayments.paymentResponse(paid).orElseThrow().success()).isTrue();
    BigInteger sellerBefore = tokens(seller);
    BigInteger buyerBefore = tokens(buyer.address().toString());
    int ran = runs("forecast");

    // The same payment again.
    CallToolResult again = call("forecast", McpPayments.paymentMeta(payment));
    // The same transaction message with other bytes in the fee payer's signature slot, and as it
    // landed, signed by the fee payer: other base64, the same payment.
    SolanaTransaction sent = transaction(payment);
    assertThat(sent.isUnsigned(0)).isTrue();
    byte[] junk = new byte[SolanaTransaction.SIGNATURE_LENGTH];
    Arrays.fill(junk, (byte) 7);
    SolanaTransaction respelled = sent.withSignature(0, junk);
    SolanaTransaction landed =
        sent.signedBy(
            SolanaKeypair.fromBase58Secret(
                solana.info().requireAccount("facilitator").privateKey()));
    assertThat(Base64.getEncoder().encodeToString(respelled.encode()))
        .isNotEqualTo(payment.payload().get("transaction"));
    CallToolResult respelledAgain = call("forecast", meta(payment, respelled));
    CallToolResult landedAgain = call("forecast", meta(payment, landed));

    for (CallToolResult refused : List.of(again, respelledAgain, landedAgain)) {
      assertThat(refused.isError()).isTrue();
      assertThat(McpPayments.paymentRequired(refused).orElseThrow().error())
          .as("%s", refused)
          .contains("already been used");
      assertThat(McpPayments.paymentResponse(refused)).isEmpty();
    }
    assertThat(runs("forecast")).isEqualTo(ran);
    assertThat(tokens(seller)).isEqualTo(sellerBefore);
    assertThat(tokens(buyer.address().toString())).isEqualTo(buyerBefore);
  }

  @Test
  void oneOfferOnBothChainsIsPaidOnWhicheverTheBuyerHasAKeyFor() {
    CallToolResult unpaid = call("either", null);
    assertThat(McpPayments.paymentRequired(unpaid).orElseThrow().accepts())
        .extracting(PaymentRequirements::network)
        .containsExactly(market.network(), SOLANA);
    BigInteger evmBefore = market.sellerBalance();
    BigInteger svmBefore = tokens(seller);

    PaidToolResult onSolana = paying(svmPayer()).callTool("either", Map.of("city", "Oslo"));
    PaidToolResult onEvm =
        paying(
                Payer.builder()
                    .signer(market.buyer())
                    .spendControls(SpendControls.unlimited())
                    .build())
            .callTool("either", Map.of("city", "Oslo"));

    assertThat(onSolana.settled()).isTrue();
    assertThat(onSolana.network()).contains(SolanaDevnet.NETWORK);
    assertThat(onSolana.transaction().orElseThrow()).matches(BASE58_SIGNATURE);
    assertThat(onEvm.settled()).isTrue();
    assertThat(onEvm.network()).contains(market.network().toString());
    assertThat(onEvm.transaction().orElseThrow()).matches("0x[0-9a-f]{64}");
    assertThat(tokens(seller)).isEqualTo(svmBefore.add(PRICE));
    assertThat(market.sellerBalance()).isEqualTo(evmBefore.add(PRICE));
    assertThat(runs("either")).isEqualTo(2);
  }
}
