package io.x402j.evm.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonRpcClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Longer than the global test timeout, so no call of a test that holds the node ends by timing
   * out (and being retried, or freeing its slot) while the test still holds it: a held request is
   * answered only when the test opens its gate. Tests of the timeout build their own client.
   */
  private static final Duration NEVER = Duration.ofMinutes(10);

  /** The gates of {@link #paramEcho}, all opened when a test ends. */
  private final List<CountDownLatch> gates = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ScriptedServer node;

  @BeforeEach
  void start() throws Exception {
    node = new ScriptedServer();
  }

  @AfterEach
  void stop() {
    gates.forEach(CountDownLatch::countDown); // a failed test must not leave the node holding
    node.close();
  }

  private JsonRpcClient client() {
    return JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY?apikey=SECRET")
        .timeout(NEVER)
        .backoff(Duration.ofMillis(5))
        .build();
  }

  private static RpcException failure(CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(call::join);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(RpcException.class);
    RpcException e = (RpcException) thrown.getCause();
    assertThat(e.getMessage()).doesNotContain("SECRET");
    return e;
  }

  /** Answers every request of a batch with {@code "0x" + id}, in reverse order. */
  private static Answer echoIdsReversed(String body) {
    try {
      JsonNode request = JSON.readTree(body);
      ArrayNode answers = JSON.createArrayNode();
      List<JsonNode> items = new ArrayList<>();
      (request.isArray() ? request : JSON.createArrayNode().add(request)).forEach(items::add);
      Collections.reverse(items);
      for (JsonNode item : items) {
        answers
            .addObject()
            .put("jsonrpc", "2.0")
            .put("id", item.get("id").asLong())
            .put("result", "0x" + Long.toHexString(item.get("id").asLong()));
      }
      return Answer.json(200, request.isArray() ? answers.toString() : answers.get(0).toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void batchResultsComeBackInRequestOrder() {
    node.respond("/v2/SECRET-KEY", JsonRpcClientTest::echoIdsReversed);
    JsonRpcClient rpc = client();

    List<RpcResult> results =
        rpc.batch(
                List.of(
                    RpcCall.of("eth_chainId"),
                    RpcCall.of("eth_blockNumber"),
                    RpcCall.of("eth_gasPrice")))
            .join();

    assertThat(results).hasSize(3).allMatch(RpcResult::ok);
    long first = Long.parseLong(results.get(0).result().asText().substring(2), 16);
    assertThat(results.get(1).result().asText()).isEqualTo("0x" + Long.toHexString(first + 1));
    assertThat(results.get(2).result().asText()).isEqualTo("0x" + Long.toHexString(first + 2));
    assertThat(node.received()).hasSize(1);
  }

  @Test
  void errorObjectsAreTyped() {
    node.respond(
        "/v2/SECRET-KEY",
        body -> {
          long id = idOf(body);
          return Answer.json(
              200,
              "{\"jsonrpc\":\"2.0\",\"id\":"
                  + id
                  + ",\"error\":{\"code\":3,\"message\":\"execution reverted: nope\",\"data\":\"0x08c379a0\"}}");
        });

    RpcException e = failure(client().call("eth_call", Map.of("to", "0x00"), "latest"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.RPC_ERROR);
    assertThat(e.error().code()).isEqualTo(3);
    assertThat(e.error().message()).isEqualTo("execution reverted: nope");
    assertThat(e.error().dataHex()).isEqualTo("0x08c379a0");
  }

  @Test
  void rateLimitedReadsAreRetried() {
    AtomicInteger calls = new AtomicInteger();
    node.respond(
        "/v2/SECRET-KEY",
        body -> {
          if (calls.incrementAndGet() == 1) {
            return Answer.json(429, "{\"error\":\"too many requests\"}");
          }
          if (calls.get() == 2) {
            return Answer.json(
                200,
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + idOf(body)
                    + ",\"error\":{\"code\":-32005,\"message\":\"limit exceeded\"}}");
          }
          return Answer.json(
              200, "{\"jsonrpc\":\"2.0\",\"id\":" + idOf(body) + ",\"result\":\"0x7a69\"}");
        });

    assertThat(client().call("eth_chainId").join().asText()).isEqualTo("0x7a69");
    assertThat(calls).hasValue(3);
  }

  @Test
  void writesAreNotRetriedOnceTheyMayHaveArrived() {
    node.script("/v2/SECRET-KEY", Answer.json(503, "{\"error\":\"busy\"}"));

    RpcException e = failure(client().call("eth_sendRawTransaction", "0x02f8"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(node.received()).hasSize(1);
  }

  @Test
  void readsGiveUpAfterMaxAttempts() {
    node.script("/v2/SECRET-KEY", Answer.json(502, "bad gateway"));

    RpcException e = failure(client().call("eth_blockNumber"));

    assertThat(e.httpStatus()).isEqualTo(502);
    assertThat(node.received()).hasSize(4);
  }

  @Test
  void anotherFamilysReadsAreRetriedAndItsOtherMethodsAreWrites() {
    node.script("/v2/SECRET-KEY", Answer.json(502, "bad gateway"));
    JsonRpcClient solana =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY?apikey=SECRET")
            .timeout(NEVER)
            .backoff(Duration.ofMillis(5))
            .reads(java.util.Set.of("getSignatureStatuses"))
            .build();

    failure(solana.call("getSignatureStatuses", List.of("sig")));
    assertThat(node.received()).hasSize(4);
    failure(solana.call("sendTransaction", "AQID"));
    assertThat(node.received()).hasSize(5);
    // The EVM defaults no longer apply to this client: eth_blockNumber is a write to it.
    failure(solana.call("eth_blockNumber"));
    assertThat(node.received()).hasSize(6);
    assertThat(solana.retriesAsRead("getSignatureStatuses")).isTrue();
    assertThat(client().retriesAsRead("eth_call")).isTrue();
    assertThat(client().retriesAsRead("getSignatureStatuses")).isFalse();
  }

  @Test
  void garbageIsABadResponse() {
    node.script("/v2/SECRET-KEY", new Answer(200, "hello", Map.of(), 0));
    assertThat(failure(client().call("eth_chainId")).kind())
        .isEqualTo(RpcException.Kind.BAD_RESPONSE);

    node.script("/v2/SECRET-KEY", Answer.json(200, "{\"jsonrpc\":\"2.0\",\"result\":\"0x1\"}"));
    RpcException noId = failure(client().call("eth_chainId"));
    assertThat(noId.kind()).isEqualTo(RpcException.Kind.BAD_RESPONSE);
    assertThat(noId.getMessage()).contains("id");
  }

  @Test
  void aHangingNodeTimesOutWithinTheBound() {
    node.script("/v2/SECRET-KEY", Answer.json(200, "{}").delayed(30_000));
    JsonRpcClient rpc =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY")
            .timeout(Duration.ofMillis(300))
            .maxAttempts(2)
            .backoff(Duration.ofMillis(5))
            .build();
    long start = System.nanoTime();

    RpcException e = failure(rpc.call("eth_chainId"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anUnreachableNodeIsNamedWithoutItsKey() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    JsonRpcClient rpc =
        JsonRpcClient.builder("http://127.0.0.1:" + port + "/v2/SECRET-KEY?apikey=SECRET")
            .maxAttempts(2)
            .backoff(Duration.ofMillis(5))
            .build();

    RpcException e = failure(rpc.call("eth_chainId"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains("http://127.0.0.1:" + port);
    assertThat(rpc.redactedUrl()).isEqualTo("http://127.0.0.1:" + port);
  }

  @Test
  void failsOverToTheNextNodeAndReportsEachFailedAttempt() throws Exception {
    int deadPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    node.respond("/v2/SECRET-KEY", JsonRpcClientTest::echoIdsReversed);
    List<RpcException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    JsonRpcClient rpc =
        JsonRpcClient.builder("http://127.0.0.1:" + deadPort + "/dead")
            .fallback(node.url() + "/v2/SECRET-KEY")
            .backoff(Duration.ofMillis(5))
            .onFailure(failures::add)
            .build();

    assertThat(rpc.call("eth_chainId").join().asText()).startsWith("0x");
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).kind()).isEqualTo(RpcException.Kind.UNREACHABLE);
    assertThat(rpc.redactedUrl()).isEqualTo("http://127.0.0.1:" + deadPort);
  }

  /**
   * Answers each call with its first parameter, holding the first {@code held} requests until
   * {@code gate} opens (at the latest when the test ends).
   */
  private java.util.function.Function<String, Answer> paramEcho(
      int held, CountDownLatch gate, AtomicInteger seen) {
    gates.add(gate);
    return body -> {
      if (seen.incrementAndGet() <= held) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        JsonNode request = JSON.readTree(body);
        ArrayNode answers = JSON.createArrayNode();
        for (JsonNode item : request.isArray() ? request : JSON.createArrayNode().add(request)) {
          answers
              .addObject()
              .put("jsonrpc", "2.0")
              .put("id", item.get("id").asLong())
              .set("result", item.path("params").path(0));
        }
        return Answer.json(200, request.isArray() ? answers.toString() : answers.get(0).toString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  @Test
  void concurrentReadsShareOneRequestAndEachGetsItsOwnResult() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    node.respond("/v2/SECRET-KEY", paramEcho(2, gate, seen));
    JsonRpcClient rpc = client();

    // Two reads go at once and are held; the next twenty wait for one of them to come back.
    List<CompletableFuture<JsonNode>> first =
        List.of(rpc.call("eth_getBalance", "first-0"), rpc.call("eth_getBalance", "first-1"));
    await().until(() -> seen.get() == 2);
    List<CompletableFuture<JsonNode>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waiting.add(rpc.call("eth_getBalance", "waiting-" + i));
    }
    assertThat(node.received()).hasSize(2);
    gate.countDown();

    assertThat(first.get(0).join().asText()).isEqualTo("first-0");
    assertThat(first.get(1).join().asText()).isEqualTo("first-1");
    for (int i = 0; i < 20; i++) {
      assertThat(waiting.get(i).join().asText()).isEqualTo("waiting-" + i);
    }
    assertThat(node.received()).hasSize(3);
    assertThat(node.received().get(2).body()).startsWith("[");
  }

  @Test
  void readsWaitingForAFullBatchGoAsSoonAsOneFills() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    node.respond("/v2/SECRET-KEY", paramEcho(2, gate, seen));
    JsonRpcClient rpc =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY")
            .timeout(NEVER)
            .readCoalescing(16, 5)
            .build();

    rpc.call("eth_getBalance", "a");
    rpc.call("eth_getBalance", "b");
    await().until(() -> seen.get() == 2);
    List<CompletableFuture<JsonNode>> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(rpc.call("eth_getBalance", "full-" + i));
    }

    // Five calls fill a batch, so it goes although the first two are still held.
    for (int i = 0; i < 5; i++) {
      assertThat(batch.get(i).join().asText()).isEqualTo("full-" + i);
    }
    assertThat(node.received()).hasSize(3);
    gate.countDown();
  }

  @Test
  void aFailedSharedRequestFailsEachOfItsCallers() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    node.respond(
        "/v2/SECRET-KEY",
        body -> {
          if (seen.incrementAndGet() <= 2) {
            return paramEcho(2, gate, new AtomicInteger()).apply(body);
          }
          return Answer.json(500, "{\"error\":\"internal\"}");
        });
    JsonRpcClient rpc = client();
    rpc.call("eth_getBalance", "a");
    rpc.call("eth_getBalance", "b");
    await().until(() -> seen.get() == 2);
    List<CompletableFuture<JsonNode>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(rpc.call("eth_getBalance", "waiting-" + i));
    }
    gate.countDown();

    for (CompletableFuture<JsonNode> call : waiting) {
      RpcException e = failure(call);
      assertThat(e.kind()).isEqualTo(RpcException.Kind.HTTP_STATUS);
      assertThat(e.httpStatus()).isEqualTo(500);
    }
  }

  @Test
  void writesAreNeverHeldBackByWaitingReads() {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    node.respond("/v2/SECRET-KEY", paramEcho(2, gate, seen));
    JsonRpcClient rpc = client();
    rpc.call("eth_getBalance", "a");
    rpc.call("eth_getBalance", "b");
    await().until(() -> seen.get() == 2);
    CompletableFuture<JsonNode> read = rpc.call("eth_getBalance", "waiting");

    assertThat(rpc.call("eth_sendRawTransaction", "0x02f8").join().asText()).isEqualTo("0x02f8");
    assertThat(read).isNotDone();
    gate.countDown();
    assertThat(read.join().asText()).isEqualTo("waiting");
  }

  @Test
  void withoutCoalescingEveryReadIsItsOwnRequest() {
    node.respond("/v2/SECRET-KEY", paramEcho(0, new CountDownLatch(0), new AtomicInteger()));
    JsonRpcClient rpc =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY").readCoalescing(0, 1).build();

    List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(rpc.call("eth_getBalance", "r" + i));
    }
    calls.forEach(CompletableFuture::join);

    assertThat(node.received()).hasSize(10).noneMatch(r -> r.body().startsWith("["));
  }

  @Test
  void readsThatWaitTooLongForTheNodeTimeOut() {
    node.script("/v2/SECRET-KEY", Answer.json(200, "{}").delayed(30_000));
    JsonRpcClient rpc =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY")
            .timeout(Duration.ofMillis(300))
            .maxAttempts(2)
            .backoff(Duration.ofSeconds(1)) // the first two hold their slots for over a second
            .build();
    rpc.call("eth_blockNumber");

    rpc.call("eth_blockNumber");
    await().until(() -> node.received().size() == 2);

    RpcException e = failure(rpc.call("eth_chainId"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("waited over 300 ms");
    assertThat(node.received()).noneMatch(r -> r.body().contains("eth_chainId"));
  }

  @Test
  void anOversizedAnswerIsABadResponse() {
    node.script(
        "/v2/SECRET-KEY",
        Answer.json(200, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"" + "0".repeat(5000) + "\"}"));
    JsonRpcClient rpc =
        JsonRpcClient.builder(node.url() + "/v2/SECRET-KEY").maxResponseBytes(1024).build();

    RpcException e = failure(rpc.call("eth_chainId"));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("larger than 1024 bytes");
  }

  @Test
  void coalescingSettingsAreChecked() {

    assertThat(catchThrowable(() -> JsonRpcClient.builder(node.url()).readCoalescing(-1, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsInFlight");
    assertThat(catchThrowable(() -> JsonRpcClient.builder(node.url()).readCoalescing(4, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callsPerRequest");
  }

  private static long idOf(String body) {

    try {
      return JSON.readTree(body).get("id").asLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
