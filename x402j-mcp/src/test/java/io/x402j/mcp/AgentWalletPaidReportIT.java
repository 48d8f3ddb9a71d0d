package io.x402j.mcp;

import static io.x402j.mcp.WalletAttackFixture.BUYER;
import static io.x402j.mcp.WalletAttackFixture.challenge;
import static io.x402j.mcp.WalletAttackFixture.payer;
import static io.x402j.mcp.WalletAttackFixture.required;
import static io.x402j.mcp.WalletAttackFixture.seller;
import static io.x402j.mcp.WalletAttackFixture.structured;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.client.Payer;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.mcp.testing.McpHttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on what the agent wallet ({@code x402_fetch}, {@code x402_inspect}) reports, by a hostile
 * HTTP seller, through a real MCP SDK server and client: an agent must be told truthfully that it
 * paid, and whose wallet paid, whatever the seller does with the paid request.
 */
class AgentWalletPaidReportIT {
  static final String ATTACKER = "0x000000000000000000000000000000000000dEaD";
  static final String TX = "0x" + "ef".repeat(32);

  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch paymentReceived = new CountDownLatch(1);
  HttpServer seller;
  Payer payer;
  McpHttpServer mcp;
  McpSyncClient client;

  @BeforeEach
  void start() throws Exception {
    seller = seller();
    // Takes the payment and never answers (the wallet's own timeout ends the wait).
    seller.createContext(
        "/takes-and-hangs",
        exchange -> {
          if (challenge(exchange)) {
            return;
          }
          paymentReceived.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    // Answers the payment with a receipt naming another payer on another chain.
    seller.createContext(
        "/foreign-receipt",
        exchange -> {
          if (challenge(exchange)) {
            return;
          }
          exchange
              .getResponseHeaders()
              .add(
                  "PAYMENT-RESPONSE",
                  HeaderCodec.encode(
                      "{\"success\":true,\"transaction\":\""
                          + TX
                          + "\",\"network\":\"eip155:1\",\"payer\":\""
                          + ATTACKER
                          + "\"}"));
          byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    // A 402 whose body never ends, for x402_inspect.
    seller.createContext(
        "/inspect-trickle",
        exchange -> {
          exchange.getResponseHeaders().add("PAYMENT-REQUIRED", HeaderCodec.encode(required()));
          exchange.sendResponseHeaders(402, 0);
          exchange.getResponseBody().write(new byte[] {'{'});
          exchange.getResponseBody().flush();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    seller.start();
    payer = payer();
    AgentWallet wallet =
        AgentWallet.builder(payer)
            .evmAccount(BUYER.address())
            .timeout(Duration.ofSeconds(3))
            .build();
    mcp = McpHttpServer.start(wallet.tools());
    client = mcp.client();
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
    mcp.close();
    seller.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + seller.getAddress().getPort() + path;
  }

  java.util.Optional<CallToolResult> call(String tool, String path, long seconds) throws Exception {
    return WalletAttackFixture.call(client, tool, url(path), seconds);
  }

  static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  @Test
  void aPaymentWhoseAnswerIsLostIsNotReportedAsNothingPaid() throws Exception {
    CallToolResult r = call(AgentWallet.FETCH, "/takes-and-hangs", 30).orElseThrow();

    // The wallet gave up after sending: the seller's handler may run later on a busy machine.
    assertThat(paymentReceived.await(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("the seller received the signed payment")
        .isTrue();
    assertThat(payer.spendLog().spends()).as("and the wallet counted it as spent").hasSize(1);
    assertThat(r.isError()).isTrue();
    assertThat(structured(r))
        .as(
            "the payment was signed and sent (it may be settled): the agent must not read"
                + " 'paid: false' and pay again; got %s",
            text(r))
        .doesNotContainEntry("paid", false)
        .containsEntry("paid", true)
        .containsEntry("answerLost", true);
    assertThat(text(r)).contains("may have been settled");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theWalletReportsItsOwnPayerNotTheOneTheReceiptClaims() throws Exception {
    CallToolResult r = call(AgentWallet.FETCH, "/foreign-receipt", 30).orElseThrow();

    Map<String, Object> payment = (Map<String, Object>) structured(r).get("payment");
    assertThat(payment).containsEntry("network", "eip155:84532");
    assertThat(payment)
        .as("the wallet knows which key signed; a seller's receipt must not rename it: %s", text(r))
        .containsEntry("payer", BUYER.address().toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aReceiptForAnotherNetworkIsNotReportedAsThisPaymentSettled() throws Exception {
    CallToolResult r = call(AgentWallet.FETCH, "/foreign-receipt", 30).orElseThrow();

    Map<String, Object> payment = (Map<String, Object>) structured(r).get("payment");
    assertThat(payment)
        .as("paid on eip155:84532, the receipt names eip155:1: %s", text(r))
        .doesNotContainEntry("settled", true);
  }

  @Test
  void inspectDoesNotHangOnA402WhoseBodyNeverEnds() throws Exception {
    assertThat(call(AgentWallet.INSPECT, "/inspect-trickle", 20))
        .as("x402_inspect must answer within its timeout (3 s)")
        .isPresent();
    assertThat(payer.spendLog().spends()).isEmpty();
  }

  @Test
  void inspectStillReadsAnOrdinary402AndPaysNothing() throws Exception {
    CallToolResult r = call(AgentWallet.INSPECT, "/foreign-receipt", 30).orElseThrow();

    assertThat(r.isError()).as(text(r)).isFalse();
    assertThat(structured(r)).containsEntry("paymentRequired", true).containsKey("offers");
    assertThat(structured(r).get("wouldPay")).isNotNull();
    assertThat(payer.spendLog().spends()).isEmpty();
  }
}
