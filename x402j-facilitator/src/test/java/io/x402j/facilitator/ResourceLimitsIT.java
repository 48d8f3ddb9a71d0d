package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.x402j.core.Network;
import io.x402j.core.wire.TestMessages;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.facilitator.EvmNetworkConfig;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.facilitator.testing.RawHttp;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile sizes and speeds at the facilitator's HTTP API: each is answered quickly with a status
 * that says what is wrong, and none of them starves other clients of threads. The server runs with
 * few threads and a short body deadline so that exhausting them would show; its one scheme has an
 * unreachable chain, since nothing here may get that far.
 */
class ResourceLimitsIT {
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
  static final int THREADS = 12;
  static ExactEvmFacilitator scheme;
  static FacilitatorServer server;
  static RawHttp raw;

  @BeforeAll
  static void start() throws Exception {
    scheme =
        ExactEvmFacilitator.builder()
            .network(
                EvmNetworkConfig.builder(
                        Network.evm(84532), JsonRpcClient.builder("http://127.0.0.1:9").build())
                    .asset(EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e"))
                    .signer(PrivateKeySigner.fromHex("0x" + "11".repeat(32)))
                    .build())
            .build();
    server =
        FacilitatorServer.builder(FacilitatorService.builder().scheme(scheme).build())
            .host("127.0.0.1")
            .port(0)
            .maxThreads(THREADS)
            .bodyTimeout(BODY_TIMEOUT)
            .build();
    server.start();
    raw = new RawHttp("127.0.0.1", java.net.URI.create(server.url()).getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    scheme.close();
  }

  static String supported() throws IOException {
    return raw.get("/supported");
  }

  @Test
  void oversizedHeadersAre431() throws IOException {
    assertThat(
            raw.exchange(raw.post("/verify", "{}", "X-Padding: " + "a".repeat(64 * 1024) + "\r\n")))
        .contains(" 431 ");
  }

  /** The status line and the body of an answer to {@code request}. */
  static String answer(byte[] request) throws IOException {
    return raw.exchangeWhole(request);
  }

  @Test
  void deeplyNestedJsonIs400NamingTheDepth() throws IOException {
    String deep =
        TestMessages.v2Request()
            .replace(
                "\"payload\":{",
                "\"payload\":{\"deep\":" + "[".repeat(20_000) + "]".repeat(20_000) + ",");
    assertThat(answer(raw.post("/verify", deep, ""))).contains(" 400 ").contains("nesting depth");
  }

  @Test
  void veryLongNumbersAre400NamingTheNumber() throws IOException {
    String longNumber =
        TestMessages.v2Request()
            .replace("\"maxTimeoutSeconds\":60", "\"maxTimeoutSeconds\":" + "9".repeat(25_000));
    String hugeExponent =
        TestMessages.v2Request()
            .replace("\"maxTimeoutSeconds\":60", "\"maxTimeoutSeconds\":1e999999999");
    assertThat(answer(raw.post("/settle", longNumber, "")))
        .contains(" 400 ")
        .contains("Number value length");
    assertThat(answer(raw.post("/settle", hugeExponent, "")))
        .contains(" 400 ")
        .contains("digits written out");
  }

  @Test
  void aVeryLongStringIsRefusedWithAReasonAndNotEchoed() throws IOException {
    String longPayTo =
        TestMessages.v2Request()
            .replace("0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "0x" + "a".repeat(15_000));
    String answer = answer(raw.post("/verify", longPayTo, ""));
    assertThat(answer).contains(" 200 ").contains("invalid_payment_requirements");
    assertThat(answer.length())
        .as("the 15 KB value (sent three times) is quoted, not repeated")
        .isLessThan(2_000);
  }

  @Test
  void slowBodiesAre408AndOtherClientsAreStillServed() throws Exception {
    int slow = THREADS * 3;
    ExecutorService clients = Executors.newFixedThreadPool(slow);
    try {
      List<Future<String>> trickles = new ArrayList<>();
      CountDownLatch reading = new CountDownLatch(slow);
      for (int i = 0; i < slow; i++) {
        trickles.add(clients.submit(() -> raw.trickle("/verify", 1024, reading)));
      }
      assertThat(reading.await(20, TimeUnit.SECONDS))
          .as("the server is reading every slow client's body (%d still not)", reading.getCount())
          .isTrue();
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> assertThat(supported()).as("a client arriving meanwhile").contains(" 200 "));
      for (Future<String> trickle : trickles) {
        assertThat(trickle.get(30, TimeUnit.SECONDS)).contains(" 408 ");
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(supported()).contains(" 200 ");
  }

  @Test
  void unfinishedHeadersHoldNoThread() throws Exception {
    List<Socket> sockets = raw.unfinishedRequests(THREADS * 3);
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(10), () -> assertThat(supported()).contains(" 200 "));
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
