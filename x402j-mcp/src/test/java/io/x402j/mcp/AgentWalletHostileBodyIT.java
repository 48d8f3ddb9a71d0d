package io.x402j.mcp;

import static io.x402j.mcp.WalletAttackFixture.BUYER;
import static io.x402j.mcp.WalletAttackFixture.call;
import static io.x402j.mcp.WalletAttackFixture.challenge;
import static io.x402j.mcp.WalletAttackFixture.payer;
import static io.x402j.mcp.WalletAttackFixture.seller;
import static io.x402j.mcp.WalletAttackFixture.structured;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.x402j.client.Payer;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.mcp.testing.McpHttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attack on the agent wallet ({@code x402_fetch}) by a hostile HTTP seller, through a real MCP SDK
 * server and client: the response body. The wallet promises to return at most {@code maxBodyBytes}
 * of a body and to answer within its timeout; a hostile server must not be able to hang the tool
 * (before or after it was paid) nor make the wallet hold an unbounded body in memory.
 */
class AgentWalletHostileBodyIT {
  static final String TX = "0x" + "cd".repeat(32);
  static final long HUGE = 64L << 20; // 64 MiB

  final CountDownLatch release = new CountDownLatch(1);
  final AtomicLong written = new AtomicLong();
  HttpServer seller;
  Payer payer;
  McpHttpServer mcp;
  McpSyncClient client;

  @BeforeEach
  void start() throws Exception {
    seller = seller();
    seller.createContext("/trickle", exchange -> trickle(exchange.getResponseHeaders(), exchange));
    seller.createContext(
        "/paid-trickle",
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
                          + "\",\"network\":\"eip155:84532\",\"payer\":\""
                          + BUYER.address()
                          + "\"}"));
          trickle(exchange.getResponseHeaders(), exchange);
        });
    seller.createContext(
        "/huge",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, HUGE);
          byte[] chunk = "a".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          try (OutputStream out = exchange.getResponseBody()) {
            while (written.get() < HUGE) {
              out.write(chunk);
              written.addAndGet(chunk.length);
            }
          } catch (IOException e) {
            // the client stopped reading: what we want
          } finally {
            exchange.close();
          }
        });
    seller.start();
    payer = payer();
    AgentWallet wallet =
        AgentWallet.builder(payer)
            .evmAccount(BUYER.address())
            .maxBodyBytes(1024)
            .timeout(Duration.ofSeconds(3))
            .build();
    mcp = McpHttpServer.start(wallet.tools());
    client = mcp.client();
  }

  /** 200, 4 KiB of a chunked body, then nothing more until the test ends. */
  private void trickle(
      com.sun.net.httpserver.Headers headers, com.sun.net.httpserver.HttpExchange exchange)
      throws IOException {
    headers.add("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write("b".repeat(4096).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    out.flush();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    exchange.close();
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

  /** Calls x402_fetch over MCP; empty when the call did not finish within {@code seconds}. */
  java.util.Optional<CallToolResult> fetch(String path, long seconds) throws Exception {
    return call(client, "x402_fetch", url(path), seconds);
  }

  @Test
  void aBodyThatNeverEndsDoesNotHangTheToolBeyondItsTimeout() throws Exception {
    // The wallet's timeout is 3 s and it returns at most 1 KiB: 4 KiB have arrived.
    var result = fetch("/trickle", 20);

    assertThat(result)
        .as("x402_fetch must answer (the first 1 KiB, cut) instead of waiting for the end")
        .isPresent();
  }

  @Test
  void aPaidAnswerWhoseBodyNeverEndsStillReportsWhatWasPaid() throws Exception {
    var result = fetch("/paid-trickle", 20);

    assertThat(payer.spendLog().spends()).as("the payment was signed and counted").hasSize(1);
    assertThat(result)
        .as("after paying, x402_fetch must tell the agent what it paid, not hang")
        .isPresent();
    assertThat(structured(result.get())).containsEntry("paid", true);
  }

  @Test
  void aHugeBodyIsNotReadBeyondWhatIsReturned() throws Exception {
    var result = fetch("/huge", 60);

    assertThat(result).isPresent();
    assertThat(structured(result.get()).get("body").toString()).hasSizeLessThanOrEqualTo(1024);
    assertThat(written.get())
        .as("a 64 MiB body of which 1 KiB is returned must not be read (held in memory) whole")
        .isLessThan(16L << 20);
  }
}
