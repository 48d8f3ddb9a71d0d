package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.testing.ChildJvm;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Solana devnet as a real process: its line, its JSON-RPC answers and its test controls. */
class SolanaDevnetIT {
  private static final BigInteger USDC = BigInteger.valueOf(1_000_000);
  private static SolanaDevnet devnet;
  private static SolanaDevnetControls controls;

  @BeforeAll
  static void start() throws Exception {
    // No clock: only transactions and warps make blocks, so slots are exact in assertions.
    devnet = SolanaDevnet.start(SolanaDevnetOptions.builder().slotInterval(Duration.ZERO).build());
    controls = devnet.controls();
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  private static JsonNode call(String method, Object... params) {
    try {
      return devnet.rpc().call(method, params).join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  private static RpcException rpcError(String method, Object... params) {
    try {
      devnet.rpc().call(method, params).join();
    } catch (CompletionException e) {
      return (RpcException) e.getCause();
    }
    throw new AssertionError(method + " succeeded");
  }

  private static String secret(String name) {
    return devnet.info().requireAccount(name).privateKey();
  }

  private static String address(String name) {
    return devnet.info().requireAccount(name).address();
  }

  private static String nobody() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    return SolanaTestTransactions.base58Encode(key);
  }

  private static String send(String tx, boolean skipPreflight) {
    return call("sendTransaction", tx, Map.of("encoding", "base64", "skipPreflight", skipPreflight))
        .asText();
  }

  @Test
  void theLineHasTheIssuesShapeAndKeysMatchAddresses() throws Exception {
    SolanaDevnetInfo info = devnet.info();
    JsonNode line = new ObjectMapper().readTree(info.toJson());
    assertThat(line.path("rpcUrl").asText()).startsWith("http://127.0.0.1:");
    assertThat(line.path("network").asText()).isEqualTo("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1");
    assertThat(line.path("token").path("address").asText())
        .isEqualTo("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assertThat(line.path("token").path("decimals").asInt()).isEqualTo(6);
    assertThat(info.accounts())
        .extracting(SolanaDevnetAccount::name)
        .contains("facilitator", "buyer", "seller", "facilitator2", "buyer2");
    for (SolanaDevnetAccount account : info.accounts()) {
      byte[] secret = SolanaTestTransactions.base58Decode(account.privateKey());
      assertThat(secret).hasSize(64);
      assertThat(SolanaTestTransactions.base58Encode(Arrays.copyOfRange(secret, 32, 64)))
          .as("the public half of %s's key is its address", account.name())
          .isEqualTo(account.address());
    }
    assertThat(info.toString()).doesNotContain(info.requireAccount("buyer").privateKey());
    assertThat(call("getGenesisHash").asText()).isEqualTo(info.genesisHash());
  }

  @Test
  void standardReadsAnswerWithValidatorShapes() {
    JsonNode latest = call("getLatestBlockhash", Map.of("commitment", "finalized"));
    long slot = latest.path("context").path("slot").asLong();
    assertThat(slot).isPositive();
    String blockhash = latest.path("value").path("blockhash").asText();
    assertThat(SolanaTestTransactions.base58Decode(blockhash)).hasSize(32);
    assertThat(latest.path("value").path("lastValidBlockHeight").asLong())
        .isEqualTo(call("getBlockHeight").asLong() + 150);
    assertThat(call("isBlockhashValid", blockhash).path("value").asBoolean()).isTrue();

    assertThat(call("getBalance", address("facilitator")).path("value").bigIntegerValue())
        .isPositive();
    JsonNode buyer =
        call("getTokenAccountBalance", devnet.info().requireAccount("buyer2").tokenAccount())
            .path("value");
    assertThat(buyer.path("amount").asText()).isEqualTo("1000000000");
    assertThat(buyer.path("decimals").asInt()).isEqualTo(6);
    assertThat(buyer.path("uiAmountString").asText()).isEqualTo("1000");

    JsonNode mint =
        call("getAccountInfo", devnet.info().token().address(), Map.of("encoding", "base64"))
            .path("value");
    assertThat(mint.path("owner").asText())
        .isEqualTo("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    assertThat(mint.path("data").get(1).asText()).isEqualTo("base64");
    assertThat(mint.path("space").asInt()).isEqualTo(82);
    JsonNode parsed =
        call("getAccountInfo", devnet.info().token().address(), Map.of("encoding", "jsonParsed"))
            .path("value")
            .path("data")
            .path("parsed");
    assertThat(parsed.path("type").asText()).isEqualTo("mint");
    assertThat(parsed.path("info").path("decimals").asInt()).isEqualTo(6);
    assertThat(parsed.path("info").path("mintAuthority").asText())
        .isEqualTo(devnet.info().token().mintAuthority());

    JsonNode seller =
        call(
                "getMultipleAccounts",
                List.of(devnet.info().requireAccount("seller").tokenAccount(), nobody()),
                Map.of("encoding", "jsonParsed"))
            .path("value");
    assertThat(
            seller
                .get(0)
                .path("data")
                .path("parsed")
                .path("info")
                .path("tokenAmount")
                .path("amount")
                .asText())
        .isEqualTo("0");
    assertThat(seller.get(1).isNull()).isTrue();
    assertThat(call("getMinimumBalanceForRentExemption", 165).asLong()).isEqualTo(2039280);
    assertThat(call("getHealth").asText()).isEqualTo("ok");
    assertThat(call("getVersion").has("solana-core")).isTrue();
    assertThat(call("getEpochInfo").has("absoluteSlot")).isTrue();
  }

  @Test
  void batchesAnswerEachCallInOrder() {
    List<RpcResult> results =
        devnet
            .rpc()
            .batch(
                List.of(
                    RpcCall.of("getSlot"),
                    RpcCall.of("noSuchMethod"),
                    RpcCall.of("getBalance", address("seller"))))
            .join();
    assertThat(results.get(0).ok()).isTrue();
    assertThat(results.get(1).error().code()).isEqualTo(-32601);
    assertThat(results.get(2).result().path("value").asLong()).isPositive();
  }

  @Test
  void aTransactionLandsInANewBlockWithItsStatusAndFee() throws Exception {
    String payer = address("facilitator2");
    BigInteger before = controls.lamports(payer);
    long slot = controls.slot();
    String tx =
        SolanaTestTransactions.transfer(
            secret("facilitator2"), address("seller"), 1234, controls.latestBlockhash(), false);
    String signature = send(tx, false);
    assertThat(signature).isEqualTo(SolanaTestTransactions.signatureOf(tx));

    JsonNode status = controls.signatureStatus(signature);
    assertThat(status.path("slot").asLong()).isEqualTo(slot + 1);
    assertThat(status.path("confirmationStatus").asText()).isEqualTo("confirmed");
    assertThat(status.path("err").isNull()).isTrue();
    assertThat(controls.lamports(payer)).isEqualTo(before.subtract(BigInteger.valueOf(6234)));

    JsonNode fetched =
        call(
            "getTransaction",
            signature,
            Map.of("encoding", "json", "maxSupportedTransactionVersion", 0));
    assertThat(fetched.path("meta").path("fee").asLong()).isEqualTo(5000);
    assertThat(fetched.path("transaction").path("signatures").get(0).asText()).isEqualTo(signature);

    controls.warpSlots(32);
    assertThat(controls.signatureStatus(signature).path("confirmationStatus").asText())
        .isEqualTo("finalized");

    RpcException again = rpcError("sendTransaction", tx, Map.of("encoding", "base64"));
    assertThat(again.error().code()).isEqualTo(-32002);
    assertThat(again.error().message()).contains("already been processed");
  }

  @Test
  void simulationReportsErrorsLogsAndUnitsLikeAValidator() throws Exception {
    String blockhash = controls.latestBlockhash();
    String tooMuch =
        SolanaTestTransactions.transfer(
            secret("seller"), address("buyer"), 1_000_000_000_000L, blockhash, false);
    JsonNode value =
        call("simulateTransaction", tooMuch, Map.of("encoding", "base64")).path("value");
    assertThat(value.path("err").path("InstructionError").get(0).asInt()).isZero();
    assertThat(value.path("err").path("InstructionError").get(1).path("Custom").asInt())
        .isEqualTo(1);
    assertThat(value.path("logs").toString()).contains("insufficient lamports");
    assertThat(value.path("unitsConsumed").asLong()).isPositive();

    RpcException preflight = rpcError("sendTransaction", tooMuch, Map.of("encoding", "base64"));
    assertThat(preflight.error().code()).isEqualTo(-32002);
    assertThat(preflight.error().message())
        .isEqualTo(
            "Transaction simulation failed: Error processing Instruction 0: custom program"
                + " error: 0x1");
    assertThat(preflight.error().data().path("logs").isArray()).isTrue();

    String forged =
        SolanaTestTransactions.transfer(secret("seller"), address("buyer"), 1, blockhash, true);
    assertThat(
            call("simulateTransaction", forged, Map.of("encoding", "base64", "sigVerify", false))
                .path("value")
                .path("err")
                .isNull())
        .isTrue();
    RpcException verified =
        rpcError("simulateTransaction", forged, Map.of("encoding", "base64", "sigVerify", true));
    assertThat(verified.error().code()).isEqualTo(-32003);
    RpcException sent = rpcError("sendTransaction", forged, Map.of("encoding", "base64"));
    assertThat(sent.error().code()).isEqualTo(-32003);

    RpcException garbage = rpcError("sendTransaction", "AAAA", Map.of("encoding", "base64"));
    assertThat(garbage.error().code()).isEqualTo(-32602);
  }

  @Test
  void heldTransactionsStayUnconfirmedUntilReleasedOrDropped() throws Exception {
    String seller = address("seller");
    BigInteger before = controls.lamports(seller);
    controls.holdTransactions(true);
    String first;
    String second;
    try {
      String blockhash = controls.latestBlockhash();
      first =
          send(SolanaTestTransactions.transfer(secret("buyer"), seller, 7, blockhash, false), true);
      second =
          send(SolanaTestTransactions.transfer(secret("buyer"), seller, 8, blockhash, false), true);
    } finally {
      controls.holdTransactions(false);
    }
    assertThat(controls.heldTransactions()).containsExactly(first, second);
    assertThat(controls.signatureStatus(first)).isNull();
    assertThat(controls.lamports(seller)).isEqualTo(before);

    assertThat(controls.dropTransactions(second)).containsExactly(second);
    List<SolanaDevnetControls.Release> released = controls.releaseTransactions();
    assertThat(released).hasSize(1);
    assertThat(released.get(0).signature()).isEqualTo(first);
    assertThat(released.get(0).landed()).isTrue();
    assertThat(controls.heldTransactions()).isEmpty();
    assertThat(controls.signatureStatus(first).path("confirmationStatus").asText())
        .isEqualTo("confirmed");
    assertThat(controls.signatureStatus(second)).isNull();
    assertThat(controls.lamports(seller)).isEqualTo(before.add(BigInteger.valueOf(7)));
  }

  @Test
  void expiredBlockhashesAreRefusedOrDropped() throws Exception {
    String old = controls.latestBlockhash();
    controls.holdTransactions(true);
    String held;
    try {
      held =
          send(
              SolanaTestTransactions.transfer(secret("buyer2"), address("seller"), 9, old, false),
              true);
    } finally {
      controls.holdTransactions(false);
    }
    String fresh = controls.expireBlockhashes();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(call("isBlockhashValid", old).path("value").asBoolean()).isFalse();

    String tx =
        SolanaTestTransactions.transfer(secret("buyer2"), address("seller"), 10, old, false);
    RpcException refused = rpcError("sendTransaction", tx, Map.of("encoding", "base64"));
    assertThat(refused.error().code()).isEqualTo(-32002);
    assertThat(refused.error().message())
        .isEqualTo("Transaction simulation failed: Blockhash not found");
    assertThat(refused.error().data().path("err").asText()).isEqualTo("BlockhashNotFound");

    String skipped = send(tx, true);
    assertThat(controls.signatureStatus(skipped)).as("dropped, never lands").isNull();
    assertThat(
            call("simulateTransaction", tx, Map.of("encoding", "base64"))
                .path("value")
                .path("err")
                .asText())
        .isEqualTo("BlockhashNotFound");
    JsonNode replaced =
        call(
                "simulateTransaction",
                tx,
                Map.of("encoding", "base64", "replaceRecentBlockhash", true))
            .path("value");
    assertThat(replaced.path("err").isNull()).isTrue();
    assertThat(replaced.path("replacementBlockhash").path("blockhash").asText()).isEqualTo(fresh);

    List<SolanaDevnetControls.Release> released = controls.releaseTransactions(held);
    assertThat(released.get(0).landed()).isFalse();
    assertThat(released.get(0).droppedBecause()).isEqualTo("BlockhashNotFound");
    assertThat(controls.signatureStatus(held)).isNull();
  }

  @Test
  void aTransactionFailingOnChainLandsWithItsErrorAndPaysItsFee() throws Exception {
    String payer = address("buyer2");
    BigInteger before = controls.lamports(payer);
    String tx =
        SolanaTestTransactions.transfer(
            secret("buyer2"),
            address("seller"),
            1_000_000_000_000L,
            controls.latestBlockhash(),
            false);
    String signature = send(tx, true);
    JsonNode status = controls.signatureStatus(signature);
    assertThat(status.path("err").path("InstructionError").get(1).path("Custom").asInt())
        .isEqualTo(1);
    assertThat(status.path("status").path("Err").isObject()).isTrue();
    assertThat(controls.lamports(payer)).isEqualTo(before.subtract(BigInteger.valueOf(5000)));
    JsonNode meta =
        call(
                "getTransaction",
                signature,
                Map.of("encoding", "base64", "maxSupportedTransactionVersion", 0))
            .path("meta");
    assertThat(meta.path("fee").asLong()).isEqualTo(5000);
    assertThat(meta.path("err").has("InstructionError")).isTrue();
  }

  @Test
  void feesAndAirdrops() throws Exception {
    String tx =
        SolanaTestTransactions.transfer(
            secret("buyer"), address("seller"), 1, controls.latestBlockhash(), false);
    byte[] wire = java.util.Base64.getDecoder().decode(tx);
    String message =
        java.util.Base64.getEncoder().encodeToString(Arrays.copyOfRange(wire, 65, wire.length));
    assertThat(call("getFeeForMessage", message).path("value").asLong()).isEqualTo(5000);

    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 9);
    String target = SolanaTestTransactions.base58Encode(key);
    String signature = call("requestAirdrop", target, 2_000_000_000L).asText();
    assertThat(controls.signatureStatus(signature).path("err").isNull()).isTrue();
    assertThat(controls.lamports(target)).isEqualTo(BigInteger.valueOf(2_000_000_000L));
  }

  @Test
  void slotsAdvanceOnlyAsToldWithoutAClock() {
    long slot = controls.slot();
    assertThat(controls.warpSlots(5)).isEqualTo(slot + 5);
    assertThat(controls.slot()).isEqualTo(slot + 5);
  }

  @Test
  void mintingFailuresAndCallCounts() {
    String newcomer = address("facilitator");
    SolanaDevnetControls.TokenBalance none = controls.tokenBalance(newcomer);
    assertThat(none.exists()).isFalse();
    String ata = controls.mint(newcomer, USDC.multiply(BigInteger.valueOf(5)));
    SolanaDevnetControls.TokenBalance minted = controls.tokenBalance(newcomer);
    assertThat(minted.tokenAccount()).isEqualTo(ata);
    assertThat(minted.amount()).isEqualTo(USDC.multiply(BigInteger.valueOf(5)));
    assertThat(call("getTokenAccountBalance", ata).path("value").path("amount").asText())
        .isEqualTo("5000000");

    controls.setLamports(address("mintAuthority"), BigInteger.valueOf(42));
    assertThat(controls.lamports(address("mintAuthority"))).isEqualTo(BigInteger.valueOf(42));

    byte[] frozen = new byte[165];
    System.arraycopy(
        SolanaTestTransactions.base58Decode(devnet.info().token().address()), 0, frozen, 0, 32);
    frozen[108] = 2;
    String somewhere = controls.mint(address("facilitator2"), BigInteger.ONE);
    controls.setAccount(
        somewhere,
        BigInteger.valueOf(2039280),
        frozen,
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    assertThat(
            call("getAccountInfo", somewhere, Map.of("encoding", "jsonParsed"))
                .path("value")
                .path("data")
                .path("parsed")
                .path("info")
                .path("state")
                .asText())
        .isEqualTo("frozen");

    controls.failNext("getHealth", 2, -32005, "Node is behind by 42 slots");
    assertThat(rpcError("getHealth").error().message()).isEqualTo("Node is behind by 42 slots");
    assertThat(rpcError("getHealth").error().code()).isEqualTo(-32005);
    assertThat(call("getHealth").asText()).isEqualTo("ok");

    controls.callCounts(true);
    call("getSlot");
    call("getSlot");
    assertThat(controls.callCounts(false)).containsEntry("getSlot", 2L);
  }

  @Test
  void badParamsAreNamedNotCrashes() {
    assertThat(rpcError("getBalance", "not-an-address").error().code()).isEqualTo(-32602);
    assertThat(rpcError("getTokenAccountBalance", address("seller")).error().code())
        .isEqualTo(-32602);
    assertThat(rpcError("x402jDevnet_warpSlots", -1).error().code()).isEqualTo(-32602);
  }

  @Test
  void anHttpGetIsRefused() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(devnet.info().rpcUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void closingStopsTheRuntimeAndAKilledJvmLeavesNoneBehind() throws Exception {
    SolanaDevnet second = SolanaDevnet.start();
    try {
      assertThat(second.isRunning()).isTrue();
    } finally {
      second.close();
    }
    assertThat(second.isRunning()).isFalse();

    Process child =
        new ProcessBuilder(ChildJvm.main(SolanaDevnetChild.class))
            .redirectErrorStream(true)
            .start();
    long nodePid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      Optional<String> pidLine = Optional.empty();
      while ((line = out.readLine()) != null) {
        if (line.startsWith("node-pid ")) {
          pidLine = Optional.of(line);
          break;
        }
      }
      assertThat(pidLine).as("the child JVM started a Solana devnet").isPresent();
      nodePid = Long.parseLong(pidLine.get().substring("node-pid ".length()));
      assertThat(ProcessHandle.of(nodePid)).isPresent();
      child.destroyForcibly(); // SIGKILL: no shutdown hook runs
      child.waitFor();
    }
    Optional<ProcessHandle> node = ProcessHandle.of(nodePid);
    if (node.isPresent()) {
      try {
        node.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        // asserted next
      }
    }
    assertThat(ProcessHandle.of(nodePid).map(ProcessHandle::isAlive).orElse(false))
        .as("the Solana devnet %d outlived its JVM", nodePid)
        .isFalse();
  }

  @Test
  void unknownAccountsAndInvalidControlsFail() {
    assertThatThrownBy(() -> controls.warpSlots(0)).isInstanceOf(RpcException.class);
  }
}
