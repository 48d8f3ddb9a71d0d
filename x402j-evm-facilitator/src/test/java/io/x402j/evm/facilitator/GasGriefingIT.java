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
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signer;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The facilitator pays gas only for transfers it cannot know will revert: N authorizations over a
 * balance that covers one produce one transaction, on a real chain.
 */
class GasGriefingIT {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger GWEI = BigInteger.TEN.pow(9);
  static final TokenAmount PRICE = TokenAmount.of(10_000);

  static Devnet devnet;
  static DevnetInfo info;
  static EvmAddress seller;

  @BeforeAll
  static void startChain() throws Exception {
    DevnetOptions.Builder options =
        DevnetOptions.builder().account("seller", BigInteger.ZERO, BigInteger.ZERO);
    for (String gas : List.of("gas-1", "gas-2", "gas-3", "gas-4", "gas-5", "gas-6")) {
      options.account(gas, ETH.multiply(BigInteger.TEN), BigInteger.ZERO);
    }
    // Each payer holds exactly one payment's worth of tokens.
    for (String payer : List.of("thin-1", "thin-2", "thin-3", "thin-4", "thin-5")) {
      options.account(payer, ETH, PRICE.value());
    }
    devnet = Devnet.start(options.build());
    info = devnet.info();
    seller = info.requireAccount("seller").address();
  }

  @AfterAll
  static void stopChain() {
    devnet.close();
  }

  @AfterEach
  void mineAgain() {
    devnet.setAutomine(true);
  }

  static PrivateKeySigner account(String name) {
    return info.requireAccount(name).signer();
  }

  static ExactEvmFacilitator.Builder facilitator(String gas, Duration receiptTimeout) {
    return ExactEvmFacilitator.builder()
        .network(
            EvmNetworkConfig.builder(
                    info.networkInfo(), JsonRpcClient.builder(info.rpcUrl()).build())
                .signer(account(gas))
                .pollInterval(Duration.ofMillis(50))
                .receiptTimeout(receiptTimeout)
                .build());
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

  /** A fresh authorization (new nonce) of {@code payer} for one payment. */
  static SchemeRequest paid(Signer payer) {
    Map<String, Object> payload = ExactEvmClient.of(payer).createPayload(2, requirements());
    return new SchemeRequest(
        2,
        PaymentPayload.of(ResourceInfo.of("http://127.0.0.1/weather"), requirements(), payload),
        requirements(),
        // Named like a gate's attempt, so settling it again follows it.
        "griefing-it-" + java.util.UUID.randomUUID());
  }

  /**
   * The payer itself sends its whole token balance away, with a tip well above the facilitator's.
   */
  static String moveEverything(PrivateKeySigner payer) {
    BigInteger held = devnet.tokenBalance(payer.address());
    JsonNode block = devnet.rpc().call("eth_getBlockByNumber", "pending", false).join();
    BigInteger baseFee = Hex.parseQuantity(block.path("baseFeePerGas").asText());
    Eip1559Transaction tx =
        new Eip1559Transaction(
            info.chainId(),
            devnet.pendingTransactionCount(payer.address()),
            GWEI.multiply(BigInteger.valueOf(100)),
            baseFee.multiply(BigInteger.TWO).add(GWEI.multiply(BigInteger.valueOf(100))),
            100_000,
            info.token(),
            BigInteger.ZERO,
            Abi.call("transfer(address,uint256)").address(seller).uint(held).encode());
    byte[] raw = tx.encodeSigned(payer.sign(tx.signingHash()));
    return devnet.rpc().call("eth_sendRawTransaction", Hex.encode(raw)).join().asText();
  }

  /** Waits (bounded) until the node holds one more transaction of {@code account}. */
  static void awaitPooled(EvmAddress account, long before) throws InterruptedException {
    assertThat(devnet.awaitPendingTransactions(account, before, Duration.ofSeconds(20)))
        .as("broadcast")
        .isEqualTo(before + 1);
  }

  @Test
  void concurrentSettlementsOverOneBalanceBroadcastExactlyOne() {
    PrivateKeySigner payer = account("thin-1");
    EvmAddress gas = account("gas-1").address();
    long sentBefore = devnet.transactionCount(gas);
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    int n = 8;
    List<SchemeRequest> payments = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(paid(payer));
    }

    try (ExactEvmFacilitator facilitator = facilitator("gas-1", Duration.ofSeconds(30)).build()) {
      // Each alone is fine: verify says so for every one of them.
      for (SchemeRequest payment : payments) {
        assertThat(facilitator.verify(payment).join().isValid()).isTrue();
      }
      List<CompletableFuture<SettleResponse>> settles =
          payments.stream().map(facilitator::settle).collect(Collectors.toList());
      List<SettleResponse> results =
          settles.stream().map(CompletableFuture::join).collect(Collectors.toList());

      assertThat(results).filteredOn(SettleResponse::success).hasSize(1);
      assertThat(results)
          .filteredOn(r -> !r.success())
          .hasSize(n - 1)
          .allSatisfy(
              r -> {
                assertThat(r.reason())
                    .as("%s", r)
                    .hasValue(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE);
                assertThat(r.transaction()).isEmpty();
              });
    }
    assertThat(devnet.transactionCount(gas))
        .as("exactly one transaction was broadcast, so none reverted")
        .isEqualTo(sentBefore + 1);
    assertThat(devnet.tokenBalance(payer.address())).isZero();
    assertThat(devnet.tokenBalance(seller)).isEqualTo(sellerBefore.add(PRICE.value()));
  }

  @Test
  void whileOneSettlementIsInFlightAnotherOverTheSameBalanceDoesNotVerify() throws Exception {
    PrivateKeySigner payer = account("thin-4");
    EvmAddress gas = account("gas-5").address();
    long before = devnet.pendingTransactionCount(gas);
    try (ExactEvmFacilitator facilitator = facilitator("gas-5", Duration.ofSeconds(30)).build()) {
      devnet.setAutomine(false);
      CompletableFuture<SettleResponse> first = facilitator.settle(paid(payer));
      awaitPooled(gas, before);

      VerifyResponse second = facilitator.verify(paid(payer)).join();

      assertThat(second.reason()).hasValue(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE);
      assertThat(second.invalidMessage()).contains("committed to settlements in flight");
      devnet.mine();
      assertThat(first.join().success()).isTrue();
    }
  }

  @Test
  void facilitatorsSharingALedgerCountEachOthersSettlementsInFlight() {
    PrivateKeySigner payer = account("thin-2");
    EvmAddress gasB = account("gas-3").address();
    SettlementLedger shared = new InMemorySettlementLedger();
    SchemeRequest first = paid(payer);
    try (ExactEvmFacilitator a =
            facilitator("gas-2", Duration.ofSeconds(1)).ledger(shared).build();
        ExactEvmFacilitator b =
            facilitator("gas-3", Duration.ofSeconds(30))
                .ledger(shared)
                .claimLease(Duration.ofSeconds(2)) // waits for a's settlement at most 1 s
                .build()) {
      devnet.setAutomine(false);
      SettleResponse pending = a.settle(first).join();
      assertThat(pending.isPending()).as("%s", pending).isTrue();
      long bBefore = devnet.pendingTransactionCount(gasB);

      SettleResponse refused = b.settle(paid(payer)).join();

      assertThat(refused.reason())
          .as("%s", refused)
          .hasValue(ErrorReason.EXACT_EVM_INSUFFICIENT_BALANCE);
      assertThat(refused.errorMessage()).contains("committed to settlements in flight");
      assertThat(devnet.pendingTransactionCount(gasB)).as("b broadcast nothing").isEqualTo(bBefore);

      devnet.mine();
      devnet.setAutomine(true);
      assertThat(a.settle(first).join().success()).isTrue();
    }
    assertThat(devnet.tokenBalance(payer.address())).isZero();
  }

  @Test
  void aTransferWaitingInThePoolIsSeenBeforeAnythingIsSigned() {
    PrivateKeySigner payer = account("thin-3");
    EvmAddress gas = account("gas-4").address();
    try (ExactEvmFacilitator facilitator = facilitator("gas-4", Duration.ofSeconds(2)).build()) {
      SchemeRequest payment = paid(payer);
      assertThat(facilitator.verify(payment).join().isValid()).isTrue();
      devnet.setAutomine(false);
      moveEverything(payer);
      long before = devnet.pendingTransactionCount(gas);

      SettleResponse settled = facilitator.settle(payment).join();

      assertThat(settled.success()).isFalse();
      assertThat(settled.isPending()).as("%s", settled).isFalse();
      assertThat(settled.transaction()).isEmpty();
      assertThat(devnet.pendingTransactionCount(gas)).as("nothing broadcast").isEqualTo(before);
      devnet.mine();
    }
    assertThat(devnet.tokenBalance(payer.address())).isZero();
  }

  @Test
  void aSettlementThePayerRevertsOnChainIsReported() throws Exception {
    PrivateKeySigner payer = account("thin-5");
    EvmAddress gas = account("gas-6").address();
    List<ExactEvmFacilitator.Revert> reverts = new CopyOnWriteArrayList<>();
    try (ExactEvmFacilitator facilitator =
        facilitator("gas-6", Duration.ofSeconds(30)).onRevert(reverts::add).build()) {
      long before = devnet.pendingTransactionCount(gas);
      devnet.setAutomine(false);
      CompletableFuture<SettleResponse> settling = facilitator.settle(paid(payer));
      awaitPooled(gas, before);
      // The payer front-runs the settlement with a higher tip: nothing the facilitator could see.
      moveEverything(payer);
      devnet.mine();

      SettleResponse settled = settling.join();

      assertThat(settled.reason())
          .as("%s", settled)
          .hasValue(ErrorReason.EXACT_EVM_TRANSACTION_FAILED);
      assertThat(reverts).hasSize(1);
      assertThat(reverts.get(0).payer()).isEqualTo(payer.address());
      assertThat(reverts.get(0).transaction()).isEqualTo(settled.transaction());
    }
  }

  @Test
  void theGasEstimateAsksThePendingBlockWithTheFeesTheTransactionCarries() throws Exception {
    List<JsonNode> estimates = new CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer proxy =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    proxy.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            JsonNode request = json.readTree(body);
            for (JsonNode call :
                request.isArray() ? request : json.createArrayNode().add(request)) {
              if ("eth_estimateGas".equals(call.path("method").asText())) {
                estimates.add(call.path("params"));
              }
            }
            byte[] answer =
                client
                    .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(info.rpcUrl()))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    proxy.start();
    String url = "http://127.0.0.1:" + proxy.getAddress().getPort();
    try (ExactEvmFacilitator facilitator =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(info.networkInfo(), JsonRpcClient.builder(url).build())
                    .signer(account("gas-6"))
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .build()) {
      devnet.mint(account("thin-5").address(), PRICE.value());
      SettleResponse settled = facilitator.settle(paid(account("thin-5"))).join();
      assertThat(settled.success()).as("%s", settled).isTrue();

      JsonNode sent = devnet.rpc().call("eth_getTransactionByHash", settled.transaction()).join();
      assertThat(estimates).hasSize(1);
      JsonNode params = estimates.get(0);
      assertThat(params.get(1).asText()).isEqualTo("pending");
      assertThat(Hex.parseQuantity(params.get(0).path("maxFeePerGas").asText()))
          .isEqualTo(Hex.parseQuantity(sent.path("maxFeePerGas").asText()));
      assertThat(Hex.parseQuantity(params.get(0).path("maxPriorityFeePerGas").asText()))
          .isEqualTo(Hex.parseQuantity(sent.path("maxPriorityFeePerGas").asText()));
      assertThat(params.get(0).path("from").asText())
          .isEqualToIgnoringCase(account("gas-6").address().toLowerHex());
    } finally {
      proxy.stop(0);
    }
  }
}
