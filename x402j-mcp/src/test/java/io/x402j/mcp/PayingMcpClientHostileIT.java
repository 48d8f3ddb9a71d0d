package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import io.x402j.client.Payer;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.SpendControls;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.mcp.testing.McpHttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the paying MCP client by a hostile MCP server (a real Java MCP SDK server and client):
 * a server that takes the payment and never answers, and two calls racing one budget.
 */
class PayingMcpClientHostileIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final PrivateKeySigner BUYER =
      PrivateKeySigner.fromHex(
          "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch paid = new CountDownLatch(1);
  final CountDownLatch bothAsked = new CountDownLatch(2);
  final List<McpSchema.CallToolRequest> received = Collections.synchronizedList(new ArrayList<>());
  McpHttpServer server;
  McpSyncClient mcp;

  static Map<String, Object> required() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("scheme", "exact");
    o.put("network", "eip155:84532");
    o.put("amount", "10000");
    o.put("asset", "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
    o.put("payTo", "0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
    o.put("maxTimeoutSeconds", 60);
    o.put("extra", Map.of("name", "USDC", "version", "2"));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("x402Version", 2);
    r.put("resource", Map.of("url", "mcp://tool/t", "description", "t", "mimeType", "text/plain"));
    r.put("accepts", List.of(o));
    return r;
  }

  static McpSchema.CallToolResult paymentRequired() {
    try {
      return McpSchema.CallToolResult.builder()
          .isError(true)
          .structuredContent(required())
          .addTextContent(JSON.writeValueAsString(required()))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void start() throws Exception {
    McpServerFeatures.SyncToolSpecification hangs =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(McpSchema.Tool.builder("hangs", Map.of("type", "object")).build())
            .callHandler(
                (exchange, request) -> {
                  received.add(request);
                  if (request.meta() == null || !request.meta().containsKey("x402/payment")) {
                    return paymentRequired();
                  }
                  paid.countDown();
                  await(release);
                  return McpSchema.CallToolResult.builder().addTextContent("late").build();
                })
            .build();
    McpServerFeatures.SyncToolSpecification race =
        McpServerFeatures.SyncToolSpecification.builder()
            .tool(McpSchema.Tool.builder("race", Map.of("type", "object")).build())
            .callHandler(
                (exchange, request) -> {
                  received.add(request);
                  if (request.meta() == null || !request.meta().containsKey("x402/payment")) {
                    bothAsked.countDown();
                    await(bothAsked); // both calls hold an offer before either pays
                    return paymentRequired();
                  }
                  return McpSchema.CallToolResult.builder().addTextContent("ok").build();
                })
            .build();
    server = McpHttpServer.start(List.of(hangs, race));
    mcp = connect(Duration.ofSeconds(15));
  }

  McpSyncClient connect(Duration requestTimeout) {
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(server.url())
                    .endpoint("/mcp")
                    .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                    .build())
            .requestTimeout(requestTimeout)
            .build();
    client.initialize();
    return client;
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    mcp.close();
    server.close();
  }

  @Test
  void aServerThatTakesThePaymentAndNeverAnswersLeavesItCountedAndReported() throws Exception {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    // The paid call ends when the MCP client gives up waiting: a short request timeout, as the
    // test waits it out in full (the server answers the unpaid call at once).
    McpSyncClient impatient = connect(Duration.ofSeconds(4));
    PayingMcpClient client =
        PayingMcpClient.builder(impatient, payer).server(URI.create(server.endpoint())).build();

    try {
      assertThatThrownBy(() -> client.callTool("hangs", Map.of()))
          .isInstanceOf(McpPaymentException.class)
          .hasMessageContaining("was paid")
          .satisfies(e -> assertThat(((McpPaymentException) e).payment()).isPresent());
    } finally {
      release.countDown();
      impatient.close();
    }
    // The client gave up after sending: the server's handler may reach the paid call later on a
    // busy machine, so wait for it rather than assume it already ran.
    assertThat(paid.await(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("the server received the paid call")
        .isTrue();
    assertThat(payer.spendLog().spends()).hasSize(1);
    assertThat(received).hasSize(2);
  }

  @Test
  void twoCallsRacingOneBudgetPayOnlyWhatItHolds() throws Exception {
    Payer payer =
        Payer.builder()
            .signer(BUYER)
            .spendControls(SpendControls.builder().budgetUsd("0.015", Duration.ofDays(1)).build())
            .build();
    PayingMcpClient client =
        PayingMcpClient.builder(mcp, payer).server(URI.create(server.endpoint())).build();

    // Two threads of its own: the server holds the first call until the second arrives, which the
    // common pool does not promise to run at the same time (one worker, or workers busy elsewhere).
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<Object> outcomes = new ArrayList<>();
    try {
      List<CompletableFuture<Object>> calls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.callTool("race", Map.of());
                  } catch (RuntimeException e) {
                    return e;
                  }
                },
                two));
      }
      for (CompletableFuture<Object> c : calls) {
        outcomes.add(c.get(30, TimeUnit.SECONDS));
      }
    } finally {
      two.shutdownNow();
    }

    assertThat(outcomes).filteredOn(PaidToolResult.class::isInstance).hasSize(1);
    assertThat(outcomes).filteredOn(PaymentRefusedException.class::isInstance).hasSize(1);
    assertThat(payer.spendLog().spends()).hasSize(1);
  }
}
