package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.x402j.core.NetworkRegistry;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.gateway.Gateway;
import io.x402j.gateway.GatewayConfig;
import io.x402j.mcp.AgentWallet;
import io.x402j.testkit.TestMarket;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code x402j mcp} as a process driven by the official Java MCP client over stdio, paying an x402j
 * gateway (in front of a small upstream) that sells {@code GET /weather} on the local Solana
 * runtime and, in the same 402, on an anvil devnet mirroring Base Sepolia; the x402j facilitator
 * settles both. One wallet pays with a Solana key from {@code X402J_SVM_PRIVATE_KEY}, another with
 * an EVM key from a keystore unlocked through {@code --password-env}.
 */
class McpCommandSolanaIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final BigInteger PRICE = BigInteger.valueOf(10_000); // $0.01
  static final String PASSWORD = "correct horse battery staple";

  static TestMarket market;
  static SolanaDevnet solana;
  static FacilitatorApp facilitator;
  static HttpServer upstream;
  static Gateway gateway;
  static final AtomicInteger upstreamHits = new AtomicInteger();
  static String svmSecret;
  static String svmBuyer;
  static String svmSeller;
  static Path keystore;
  static PrivateKeySigner keystoreKey;

  @BeforeAll
  static void start() throws Exception {
    market = TestMarket.startMirroringBaseSepolia(); // the built-in registry knows its USDC
    solana = SolanaDevnet.start();
    svmSecret = solana.info().requireAccount("buyer").privateKey();
    svmBuyer = solana.info().requireAccount("buyer").address();
    svmSeller = solana.info().requireAccount("seller").address();
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
                    NetworkSettings.builder(io.x402j.core.Network.parse(SolanaDevnet.NETWORK))
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
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          upstreamHits.incrementAndGet();
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    Path yaml = dir.resolve("gateway.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "port: 0",
            "upstream: http://127.0.0.1:" + upstream.getAddress().getPort(),
            "facilitator: {url: '" + facilitator.url() + "'}",
            "network: eip155:84532",
            "payTo: '" + market.payTo() + "'",
            "paywall: {enabled: false}",
            "routes:",
            "  - {route: GET /weather, price: $0.01}",
            "alsoAccept:",
            "  - network: " + SolanaDevnet.NETWORK,
            "    asset: {address: " + SolanaDevnet.USDC_DEVNET_MINT + "}",
            "    payTo: " + svmSeller,
            ""));
    gateway = GatewayConfig.load(yaml, Map.of()).start(Map.of());

    // A keystore as `x402j wallet new --keystore` writes it, holding a key funded on the devnet.
    keystoreKey = PrivateKeySigner.generate(new SecureRandom());
    keystore = dir.resolve("wallet.json");
    keystoreKey.saveKeystore(keystore, PASSWORD.toCharArray());
    market.devnet().mint(keystoreKey.address(), BigInteger.valueOf(1_000_000));
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.stop(0);
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

  static String weather() {
    return gateway.url() + "/weather";
  }

  /** A running {@code x402j mcp} and everything it wrote to stderr. */
  record Wallet(McpSyncClient client, StringBuffer stderr) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  static Wallet wallet(Map<String, String> env, String... args) {
    List<String> command = McpCommandIT.command(args);
    ServerParameters server =
        ServerParameters.builder(command.get(0))
            .args(command.subList(1, command.size()))
            .env(env)
            .build();
    StdioClientTransport transport = new StdioClientTransport(server, AgentWallet.jsonMapper());
    StringBuffer stderr = new StringBuffer();
    transport.setStdErrorHandler(line -> stderr.append(line).append('\n'));
    McpSyncClient client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(60))
            .initializationTimeout(Duration.ofSeconds(60))
            .build();
    client.initialize();
    return new Wallet(client, stderr);
  }

  static JsonNode call(Wallet wallet, String tool, Map<String, Object> arguments) {
    CallToolResult result = wallet.client().callTool(new CallToolRequest(tool, arguments, null));
    String text = ((TextContent) result.content().get(0)).text();
    assertNoSecret(text);
    JsonNode out = JSON.valueToTree(result.structuredContent());
    return ((com.fasterxml.jackson.databind.node.ObjectNode) out)
        .put("isError", Boolean.TRUE.equals(result.isError()))
        .put("text", text);
  }

  static void assertNoSecret(String output) {
    String evmKey = keystoreKey.exportPrivateKeyHex().substring(2);
    assertThat(output)
        .doesNotContain(svmSecret)
        .doesNotContain(svmSecret.substring(0, 20))
        .doesNotContain(evmKey)
        .doesNotContain(evmKey.substring(0, 20))
        .doesNotContain(PASSWORD);
  }

  static BigInteger svmTokens(String owner) {
    return solana.controls().tokenBalance(owner).amount();
  }

  @Test
  void aSolanaKeyPaysOnSolanaWithinTheBudgetAndReportsItsUsdcBalance() throws Exception {
    Path spendLog = Files.createTempDirectory("x402j-mcp-svm").resolve("spend.log");
    BigInteger buyerBefore = svmTokens(svmBuyer);
    BigInteger sellerBefore = svmTokens(svmSeller);
    try (Wallet wallet =
        wallet(
            Map.of("X402J_SVM_PRIVATE_KEY", svmSecret),
            "--solana-rpc-url",
            solana.info().rpcUrl(),
            "--budget",
            "$0.015",
            "--spend-log",
            spendLog.toString())) {
      // x402_balance: the Solana wallet's SOL and USDC on the runtime, with and without a network
      JsonNode all = call(wallet, "x402_balance", Map.of());
      assertThat(all.get("isError").asBoolean()).as(all.toString()).isFalse();
      assertThat(all.get("balances")).hasSize(1);
      JsonNode balance = all.get("balances").get(0);
      assertThat(balance.get("network").asText()).isEqualTo(SolanaDevnet.NETWORK);
      assertThat(balance.get("address").asText()).isEqualTo(svmBuyer);
      assertThat(balance.get("native").get("symbol").asText()).isEqualTo("SOL");
      assertThat(balance.get("token").get("symbol").asText()).isEqualTo("USDC");
      assertThat(balance.get("token").get("asset").asText())
          .isEqualTo(SolanaDevnet.USDC_DEVNET_MINT);
      assertThat(balance.get("token").get("atomic").asText()).isEqualTo(buyerBefore.toString());
      for (String name : List.of("solana-devnet", SolanaDevnet.NETWORK)) {
        JsonNode one = call(wallet, "x402_balance", Map.of("network", name));
        assertThat(one.get("isError").asBoolean()).as(one.toString()).isFalse();
        assertThat(one.get("balances").get(0).get("token").get("atomic").asText())
            .isEqualTo(buyerBefore.toString());
      }
      JsonNode otherNetwork = call(wallet, "x402_balance", Map.of("network", "solana"));
      assertThat(otherNetwork.get("isError").asBoolean()).as(otherNetwork.toString()).isTrue();

      // x402_inspect: both offers; the Solana key would pay the Solana one; nothing is paid
      JsonNode inspected = call(wallet, "x402_inspect", Map.of("url", weather()));
      assertThat(inspected.get("isError").asBoolean()).as(inspected.toString()).isFalse();
      assertThat(inspected.get("offers").findValuesAsText("network"))
          .containsExactly("eip155:84532", SolanaDevnet.NETWORK);
      JsonNode wouldPay = inspected.get("wouldPay");
      assertThat(wouldPay.get("network").asText()).isEqualTo(SolanaDevnet.NETWORK);
      assertThat(wouldPay.get("usd").asText()).isEqualTo("$0.01");
      assertThat(wouldPay.get("payTo").asText()).isEqualTo(svmSeller);
      assertThat(svmTokens(svmSeller)).isEqualTo(sellerBefore);

      // x402_fetch: the 402 offers Base Sepolia and Solana; the Solana key pays on Solana
      int hits = upstreamHits.get();
      JsonNode paid = call(wallet, "x402_fetch", Map.of("url", weather()));
      assertThat(paid.get("isError").asBoolean()).as(paid.toString()).isFalse();
      assertThat(paid.get("status").asInt()).isEqualTo(200);
      assertThat(paid.get("body").asText()).isEqualTo("{\"weather\":\"sunny\"}");
      JsonNode payment = paid.get("payment");
      assertThat(payment.get("network").asText()).isEqualTo(SolanaDevnet.NETWORK);
      assertThat(payment.get("amountAtomic").asText()).isEqualTo(PRICE.toString());
      assertThat(payment.get("amount").asText()).isEqualTo("0.01 USDC");
      assertThat(payment.get("asset").asText()).isEqualTo(SolanaDevnet.USDC_DEVNET_MINT);
      assertThat(payment.get("payTo").asText()).isEqualTo(svmSeller);
      assertThat(payment.get("payer").asText()).isEqualTo(svmBuyer);
      assertThat(payment.get("settled").asBoolean()).isTrue();
      String signature = payment.get("transaction").asText();
      assertThat(signature).matches("[1-9A-HJ-NP-Za-km-z]{64,88}");
      assertThat(solana.controls().signatureStatus(signature)).isNotNull();
      assertThat(upstreamHits.get() - hits).isEqualTo(1);
      assertThat(svmTokens(svmSeller)).isEqualTo(sellerBefore.add(PRICE));
      assertThat(svmTokens(svmBuyer)).isEqualTo(buyerBefore.subtract(PRICE));

      // beyond the $0.015 budget: refused before signing, nothing moves
      JsonNode refused = call(wallet, "x402_fetch", Map.of("url", weather()));
      assertThat(refused.get("isError").asBoolean()).isTrue();
      assertThat(refused.get("text").asText()).contains("nothing was paid").contains("budget");
      assertThat(refused.get("paid").asBoolean()).isFalse();
      assertThat(upstreamHits.get() - hits).isEqualTo(1);
      assertThat(svmTokens(svmSeller)).isEqualTo(sellerBefore.add(PRICE));

      JsonNode after = call(wallet, "x402_balance", Map.of("network", "solana-devnet"));
      assertThat(after.get("balances").get(0).get("token").get("atomic").asText())
          .isEqualTo(buyerBefore.subtract(PRICE).toString());
      assertNoSecret(wallet.stderr().toString());
    }
  }

  @Test
  void aKeystoreUnlockedThroughPasswordEnvPaysAndShowsItsAddress() {
    String address = keystoreKey.address().toString();
    BigInteger seller = market.sellerBalance();
    BigInteger own = market.balance(keystoreKey.address());
    try (Wallet wallet =
        wallet(
            Map.of("WALLET_PASSWORD", PASSWORD),
            "--keystore",
            keystore.toString(),
            "--password-env",
            "WALLET_PASSWORD",
            "--rpc-url",
            market.info().rpcUrl())) {
      JsonNode balance = call(wallet, "x402_balance", Map.of()).get("balances").get(0);
      assertThat(balance.get("address").asText()).isEqualTo(address);
      assertThat(balance.get("token").get("atomic").asText()).isEqualTo(own.toString());

      JsonNode paid = call(wallet, "x402_fetch", Map.of("url", weather()));
      assertThat(paid.get("isError").asBoolean()).as(paid.toString()).isFalse();
      assertThat(paid.get("status").asInt()).isEqualTo(200);
      JsonNode payment = paid.get("payment");
      assertThat(payment.get("network").asText()).isEqualTo("eip155:84532");
      assertThat(payment.get("payer").asText()).isEqualToIgnoringCase(address);
      assertThat(payment.get("settled").asBoolean()).isTrue();
      assertThat(payment.get("transaction").asText()).matches("0x[0-9a-f]{64}");
      assertThat(market.sellerBalance()).isEqualTo(seller.add(PRICE));
      assertThat(market.balance(keystoreKey.address())).isEqualTo(own.subtract(PRICE));
      assertNoSecret(wallet.stderr().toString());
    }
  }

  /** What a process wrote and how it ended. */
  record Exit(int code, String out, String err) {}

  /** Runs {@code x402j mcp args} with {@code env} until it ends by itself. */
  static Exit run(Map<String, String> env, String... args) {
    try {
      Path dir = Files.createTempDirectory("x402j-mcp-run");
      ProcessBuilder builder =
          new ProcessBuilder(McpCommandIT.command(args))
              .redirectOutput(dir.resolve("out").toFile())
              .redirectError(dir.resolve("err").toFile());
      builder.environment().remove("X402J_PRIVATE_KEY");
      builder.environment().remove("X402J_SVM_PRIVATE_KEY");
      builder.environment().putAll(env);
      Process process = builder.start();
      try {
        // The wallet fails before serving: its stdin, left open, must not keep it alive.
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the process ended").isTrue();
        return new Exit(
            process.exitValue(),
            Files.readString(dir.resolve("out")),
            Files.readString(dir.resolve("err")));
      } finally {
        process.destroyForcibly();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWrongOrMissingKeystorePasswordEndsTheServerWithAClearErrorAndACleanStdout()
      throws Exception {
    String wrong = "not the password";
    // The two processes run side by side: each is a JVM start.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CompletableFuture<Exit> wrongRun =
        CompletableFuture.supplyAsync(
            () ->
                run(
                    Map.of("WALLET_PASSWORD", wrong),
                    "--keystore",
                    keystore.toString(),
                    "--password-env",
                    "WALLET_PASSWORD"),
            pool);
    CompletableFuture<Exit> missingRun =
        CompletableFuture.supplyAsync(
            () ->
                run(
                    Map.of(),
                    "--keystore",
                    keystore.toString(),
                    "--password-env",
                    "X402J_TEST_UNSET_PASSWORD"),
            pool);
    Exit wrongPassword;
    Exit missing;
    try {
      wrongPassword = wrongRun.get(180, TimeUnit.SECONDS);
      missing = missingRun.get(180, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(wrongPassword.code()).isNotZero();
    assertThat(wrongPassword.out()).isEmpty();
    assertThat(wrongPassword.err())
        .contains("cannot open keystore " + keystore)
        .contains("wrong password")
        .doesNotContain(wrong)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertNoSecret(wrongPassword.err());

    assertThat(missing.code()).isNotZero();
    assertThat(missing.out()).isEmpty();
    assertThat(missing.err())
        .contains("X402J_TEST_UNSET_PASSWORD is not set")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
