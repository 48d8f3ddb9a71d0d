package io.x402j.svm.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import io.x402j.evm.rpc.RpcException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SolanaRpcClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/SECRET-KEY";

  private ScriptedServer node;
  private SolanaRpcClient client;

  @BeforeEach
  void start() throws Exception {
    node = new ScriptedServer();
    client =
        SolanaRpcClient.of(
            SolanaRpcClient.builder(node.url() + PATH + "?api-key=SECRET")
                .backoff(Duration.ofMillis(1))
                .readCoalescing(0, 1)
                .build());
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** Answers each request with {@code result} computed from the request. */
  private void answer(Function<JsonNode, String> result) {
    node.respond(
        PATH,
        body -> {
          try {
            JsonNode request = JSON.readTree(body);
            return Answer.json(
                200,
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + request.get("id").asLong()
                    + ",\"result\":"
                    + result.apply(request)
                    + "}");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private JsonNode lastRequest() throws Exception {
    List<ScriptedServer.Received> received = node.received();
    return JSON.readTree(received.get(received.size() - 1).body());
  }

  private static RpcException failure(CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(call::join);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(RpcException.class);
    assertThat(thrown.getCause().getMessage()).doesNotContain("SECRET");
    return (RpcException) thrown.getCause();
  }

  @Test
  void aSimulationIsAReadRetriedWhenTheNodeIsBusy() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    node.respond(
        PATH,
        body -> {
          if (attempts.incrementAndGet() == 1) {
            return Answer.json(503, "{\"error\":\"busy\"}");
          }
          try {
            JsonNode request = JSON.readTree(body);
            return Answer.json(
                200,
                "{\"jsonrpc\":\"2.0\",\"id\":"
                    + request.get("id").asLong()
                    + ",\"result\":{\"context\":{\"slot\":1},\"value\":{\"err\":null,"
                    + "\"logs\":[],\"unitsConsumed\":900}}}");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

    SolanaRpcClient.Simulation simulation = client.simulateTransaction("AQID").join();

    // A simulation changes nothing, so a busy answer is retried as for any read.
    assertThat(simulation.succeeded()).isTrue();
    assertThat(attempts.get()).isEqualTo(2);
  }

  @Test
  void concurrentSimulationsShareOneBatchedRequestUnderLoad() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    String ok = "{\"context\":{\"slot\":1},\"value\":{\"err\":null,\"logs\":[]}}";
    node.respond(
        PATH,
        body -> {
          try {
            JsonNode request = JSON.readTree(body);
            if (!request.isArray()) {
              // The two requests that went at once wait, so that later simulations queue.
              release.await(10, TimeUnit.SECONDS);
              return Answer.json(
                  200,
                  "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + ok + "}");
            }
            List<String> answers = new java.util.ArrayList<>();
            for (JsonNode call : request) {
              answers.add(
                  "{\"jsonrpc\":\"2.0\",\"id\":" + call.get("id") + ",\"result\":" + ok + "}");
            }
            return Answer.json(200, "[" + String.join(",", answers) + "]");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    SolanaRpcClient coalescing =
        SolanaRpcClient.of(
            SolanaRpcClient.builder(node.url() + PATH).readCoalescing(16, 48).build());

    List<CompletableFuture<SolanaRpcClient.Simulation>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(coalescing.simulateTransaction("AQID"));
    }
    release.countDown();

    for (CompletableFuture<SolanaRpcClient.Simulation> each : all) {
      assertThat(each.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    }
    // Two went at once; the three that queued behind them went out as one batch.
    List<JsonNode> bodies = new java.util.ArrayList<>();
    for (ScriptedServer.Received r : node.received()) {
      bodies.add(JSON.readTree(r.body()));
    }
    assertThat(bodies).hasSize(3);
    JsonNode batch = bodies.stream().filter(JsonNode::isArray).findFirst().orElseThrow();
    assertThat(batch).hasSize(3);
    batch.forEach(call -> assertThat(call.get("method").asText()).isEqualTo("simulateTransaction"));
  }

  @Test
  void latestBlockhashIsTyped() throws Exception {
    answer(
        r ->
            "{\"context\":{\"slot\":7},\"value\":{\"blockhash\":\"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N\",\"lastValidBlockHeight\":157}}");

    SolanaRpcClient.LatestBlockhash latest = client.getLatestBlockhash().join();

    assertThat(latest.blockhash()).isEqualTo("EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N");
    assertThat(latest.lastValidBlockHeight()).isEqualTo(157);
    assertThat(latest.slot()).isEqualTo(7);
    assertThat(lastRequest().get("method").asText()).isEqualTo("getLatestBlockhash");
    assertThat(lastRequest().get("params").get(0).get("commitment").asText())
        .isEqualTo("confirmed");
  }

  @Test
  void accountsComeBackInOrderAndMissingOnesAreEmpty() throws Exception {
    String data = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    answer(
        r ->
            "{\"context\":{\"slot\":1},\"value\":[null,{\"lamports\":5,\"owner\":\"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA\",\"data\":[\""
                + data
                + "\",\"base64\"],\"executable\":false,\"rentEpoch\":0}]}");

    List<Optional<SolanaRpcClient.AccountInfo>> accounts =
        client.getMultipleAccounts(List.of("A", "B")).join();

    assertThat(accounts.get(0)).isEmpty();
    assertThat(accounts.get(1).orElseThrow().data()).containsExactly(1, 2, 3);
    assertThat(accounts.get(1).orElseThrow().lamports()).isEqualTo(5);
    assertThat(lastRequest().get("params").get(1).get("encoding").asText()).isEqualTo("base64");
  }

  @Test
  void aWrongNumberOfAccountsIsABadResponse() {
    answer(r -> "{\"context\":{\"slot\":1},\"value\":[null]}");

    RpcException e = failure(client.getMultipleAccounts(List.of("A", "B")));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("getMultipleAccounts").contains("127.0.0.1");
  }

  @Test
  void balancesAndTokenBalances() {
    answer(
        r ->
            r.get("method").asText().equals("getBalance")
                ? "{\"context\":{\"slot\":1},\"value\":1000000000}"
                : "{\"context\":{\"slot\":1},\"value\":{\"amount\":\"18446744073709551615\",\"decimals\":6,\"uiAmountString\":\"x\"}}");

    assertThat(client.getBalance("A").join()).isEqualTo(1_000_000_000L);
    SolanaRpcClient.TokenBalance balance = client.getTokenAccountBalance("B").join();
    assertThat(balance.amount()).hasToString("18446744073709551615");
    assertThat(balance.decimals()).isEqualTo(6);
  }

  @Test
  void aNegativeOrFractionalBalanceIsABadResponse() {
    answer(r -> "{\"context\":{\"slot\":1},\"value\":-1}");
    assertThat(failure(client.getBalance("A")).kind()).isEqualTo(RpcException.Kind.BAD_RESPONSE);
    answer(r -> "{\"context\":{\"slot\":1},\"value\":1.5}");
    assertThat(failure(client.getBalance("A")).kind()).isEqualTo(RpcException.Kind.BAD_RESPONSE);
    answer(r -> "{\"context\":{\"slot\":1},\"value\":{\"amount\":\"01\",\"decimals\":6}}");
    assertThat(failure(client.getTokenAccountBalance("A")).kind())
        .isEqualTo(RpcException.Kind.BAD_RESPONSE);
  }

  @Test
  void simulationNeverVerifiesSignaturesNorReplacesTheBlockhash() throws Exception {
    answer(
        r ->
            "{\"context\":{\"slot\":1},\"value\":{\"err\":{\"InstructionError\":[2,{\"Custom\":1}]},\"logs\":[\"Program log: insufficient funds\"],\"unitsConsumed\":1200}}");

    SolanaRpcClient.Simulation simulation = client.simulateTransaction("AQID").join();

    assertThat(simulation.succeeded()).isFalse();
    assertThat(simulation.logs()).containsExactly("Program log: insufficient funds");
    assertThat(simulation.unitsConsumed()).isEqualTo(1200L);
    JsonNode options = lastRequest().get("params").get(1);
    assertThat(options.get("sigVerify").asBoolean()).isFalse();
    assertThat(options.get("replaceRecentBlockhash").asBoolean()).isFalse();
    assertThat(options.get("encoding").asText()).isEqualTo("base64");
  }

  @Test
  void signatureStatusesKeepOrderAndUnknownOnesAreEmpty() {
    answer(
        r ->
            "{\"context\":{\"slot\":9},\"value\":[{\"slot\":8,\"confirmations\":null,\"err\":null,\"confirmationStatus\":\"finalized\"},null,{\"slot\":9,\"confirmations\":0,\"err\":{\"InstructionError\":[2,\"Custom\"]},\"confirmationStatus\":\"processed\"}]}");

    List<Optional<SolanaRpcClient.SignatureStatus>> statuses =
        client.getSignatureStatuses(List.of("a", "b", "c"), true).join();

    assertThat(statuses.get(0).orElseThrow().confirmed()).isTrue();
    assertThat(statuses.get(0).orElseThrow().failed()).isFalse();
    assertThat(statuses.get(1)).isEmpty();
    assertThat(statuses.get(2).orElseThrow().confirmed()).isFalse();
    assertThat(statuses.get(2).orElseThrow().failed()).isTrue();
  }

  @Test
  void readsAreRetriedButASendIsNotOnceItMayHaveArrived() {
    node.script(PATH, Answer.json(503, "busy"));

    failure(client.getSignatureStatuses(List.of("a"), false));
    assertThat(node.received()).hasSize(4);

    RpcException send = failure(client.sendTransaction("AQID", true));
    assertThat(send.kind()).isEqualTo(RpcException.Kind.HTTP_STATUS);
    assertThat(node.received()).hasSize(5);
  }

  @Test
  void sendSkipsPreflightWhenAskedAndReturnsTheSignature() throws Exception {
    answer(
        r ->
            "\"5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW\"");

    String signature = client.sendTransaction("AQID", true).join();

    assertThat(signature).startsWith("5VERv8");
    JsonNode options = lastRequest().get("params").get(1);
    assertThat(options.get("skipPreflight").asBoolean()).isTrue();
    assertThat(options.get("encoding").asText()).isEqualTo("base64");
  }

  @Test
  void genesisRentAndBlockHeight() {
    answer(
        r ->
            switch (r.get("method").asText()) {
              case "getGenesisHash" -> "\"EtWTRABZaYq6iMfeYKouRu166VU2xqa1\"";
              case "getMinimumBalanceForRentExemption" -> "2039280";
              case "isBlockhashValid" -> "{\"context\":{\"slot\":1},\"value\":false}";
              default -> "42";
            });

    assertThat(client.getGenesisHash().join()).isEqualTo("EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    assertThat(client.getMinimumBalanceForRentExemption(165).join()).isEqualTo(2_039_280L);
    assertThat(client.getBlockHeight().join()).isEqualTo(42L);
    assertThat(client.isBlockhashValid("x").join()).isFalse();
  }

  @Test
  void anErrorObjectNamesTheMethodAndNotTheKey() {
    node.script(
        PATH,
        Answer.json(
            200,
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32002,\"message\":\"Transaction simulation failed\"}}"));

    RpcException e = failure(client.sendTransaction("AQID", false));

    assertThat(e.kind()).isEqualTo(RpcException.Kind.RPC_ERROR);
    assertThat(e.error().code()).isEqualTo(-32002);
    assertThat(Map.of("m", e.getMessage()).get("m")).contains("sendTransaction");
  }

  @Test
  void servesTheClientAsBlockhashAndMintSource() {
    byte[] mint = new byte[82];
    mint[44] = 6;
    mint[45] = 1;
    String data = Base64.getEncoder().encodeToString(mint);
    answer(
        r ->
            r.get("method").asText().equals("getLatestBlockhash")
                ? "{\"context\":{\"slot\":7},\"value\":{\"blockhash\":\"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N\",\"lastValidBlockHeight\":157}}"
                : "{\"context\":{\"slot\":1},\"value\":{\"lamports\":5,\"owner\":\"TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb\",\"data\":[\""
                    + data
                    + "\",\"base64\"],\"executable\":false}}");
    io.x402j.core.Network devnet =
        io.x402j.core.Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");

    assertThat(client.latest(devnet).lastValidBlockHeight()).isEqualTo(157);
    io.x402j.svm.MintInfo info =
        client.mintInfo(
            devnet,
            io.x402j.svm.SolanaAddress.parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"));
    assertThat(info.decimals()).isEqualTo(6);
    assertThat(info.tokenProgram()).isEqualTo(io.x402j.svm.SolanaPrograms.TOKEN_2022);

    node.respond(PATH, body -> Answer.json(503, "busy"));
    assertThat(catchThrowable(() -> client.latest(devnet)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining("SECRET");
  }
}
