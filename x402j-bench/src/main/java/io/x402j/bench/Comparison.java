package io.x402j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.x402j.bench.FacilitatorLoad.Load;
import io.x402j.bench.FacilitatorLoad.Result;
import io.x402j.cli.X402j;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.devnet.NodeProject;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.devnet.SolanaDevnetInfo;
import io.x402j.devnet.SolanaDevnetOptions;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.gateway.Gateway;
import io.x402j.server.PaymentGate;
import io.x402j.server.RouteTable;
import io.x402j.svm.ExactSvmClient;
import io.x402j.svm.RecentBlockhash;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * x402j against the official TypeScript facilitator, in one run on one devnet and one machine:
 * {@code /verify} under the same load for both, anvil's own rate for the reads a verification needs
 * (the ceiling), {@code /settle} with a block every second, and the latency a paid request through
 * the x402j gateway adds to the same request unpaid. Both facilitators run as their own processes.
 * Prints a Markdown table.
 *
 * <p>Run from the repository root: {@code x402j-bench/compare.sh}.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "x402j vs the official facilitator, on a devnet.")
public final class Comparison implements Callable<Integer> {
  private static final BigInteger ETH = BigInteger.TEN.pow(18);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final WireCodec SOLANA_WIRE = WireCodec.standard();

  @Spec CommandSpec spec;

  @Option(names = "--concurrency", defaultValue = "32", description = "Requests in flight.")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "10", description = "Seconds of warm-up per run.")
  int warmupSeconds;

  @Option(names = "--duration", defaultValue = "20", description = "Seconds measured per run.")
  int durationSeconds;

  @Option(
      names = "--settlements",
      defaultValue = "300",
      description = "Payments settled per facilitator, concurrently (default ${DEFAULT-VALUE}).")
  int settlements;

  @Option(
      names = "--one-at-a-time",
      defaultValue = "20",
      description = "Payments settled per facilitator one at a time (default ${DEFAULT-VALUE}).")
  int oneByOne;

  @Option(
      names = "--payments",
      defaultValue = "1024",
      description =
          "Different signed payments each /verify run cycles through (default ${DEFAULT-VALUE}).")
  int payments;

  @Option(
      names = "--gateway-requests",
      defaultValue = "200",
      description =
          "Requests measured one at a time through the gateway, free and paid, after a tenth as"
              + " many to warm up (default ${DEFAULT-VALUE}).")
  int gatewayRequests;

  @Option(
      names = "--node-project",
      defaultValue = "x402j-interop/src/test/node",
      description = "The Node project with the official SDKs (default ${DEFAULT-VALUE}).")
  Path nodeProject;

  @Option(
      names = "--svm-node-project",
      defaultValue = "x402j-bench/src/node",
      description =
          "The Node project with the official Solana facilitator (default ${DEFAULT-VALUE}).")
  Path svmNodeProject;

  @Option(
      names = "--solana-only",
      description = "Run only the Solana rows (no EVM devnet, no EVM facilitators).")
  boolean solanaOnly;

  /** Runs the comparison. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Comparison()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (concurrency < 1
        || durationSeconds < 1
        || settlements < 1
        || oneByOne < 1
        || payments < 16
        || gatewayRequests < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--concurrency, --duration, --settlements, --one-at-a-time and --gateway-requests must be"
              + " positive, --payments at least 16");
    }
    if (warmupSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be 0 or more");
    }
    Path dir = Files.createTempDirectory("x402j-compare");
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4))
            .build();
    List<String[]> rows = new ArrayList<>();
    List<String> summary = new ArrayList<>();
    if (!solanaOnly) {
      NodeProject node = NodeProject.install(nodeProject, System.getenv());
      // One gas key each: the official facilitator takes one signer, so x402j gets no more.
      DevnetOptions.Builder chain =
          DevnetOptions.builder()
              .mirrorBaseSepolia(true)
              .account(
                  "buyer",
                  ETH,
                  FacilitatorLoad.PRICE.multiply(
                      BigInteger.valueOf(settlements * 2L + oneByOne * 2L + 10_000)))
              .account("seller", BigInteger.ZERO, BigInteger.ZERO)
              .account("official-gas", ETH.multiply(BigInteger.valueOf(100)), BigInteger.ZERO)
              .account("x402j-gas", ETH.multiply(BigInteger.valueOf(100)), BigInteger.ZERO);
      try (Devnet devnet = Devnet.start(chain.build())) {
        DevnetInfo info = devnet.info();
        Process x402j =
            startX402jFacilitator(info, info.requireAccount("x402j-gas").privateKey(), dir);
        try (NodeProject.Service official =
            node.start(
                "facilitator.mjs",
                Map.of(
                    "X402J_GAS_KEY", info.requireAccount("official-gas").privateKey(),
                    "X402J_TEST_RPC", info.rpcUrl()),
                Duration.ofSeconds(60))) {
          String x402jUrl = readUrl(x402j, dir);

          PaymentRequirements required = FacilitatorLoad.requirements(info, 3600);
          PrivateKeySigner buyer = info.requireAccount("buyer").signer();
          List<String> verifyBodies = FacilitatorLoad.sign(buyer, required, payments);
          Duration warmup = Duration.ofSeconds(warmupSeconds);
          Duration duration = Duration.ofSeconds(durationSeconds);
          System.err.printf(
              "compare: %d cores, Java %s, concurrency %d; x402j %s, official %s%n",
              Runtime.getRuntime().availableProcessors(),
              Runtime.version(),
              concurrency,
              x402jUrl,
              official.url());

          Result x402jVerify =
              new Load(
                      http,
                      x402jUrl + "/verify",
                      verifyBodies,
                      true,
                      b -> b.contains("\"isValid\":true"))
                  .run(concurrency, warmup, duration);
          Result officialVerify =
              new Load(
                      http,
                      official.url() + "/verify",
                      verifyBodies,
                      true,
                      b -> b.contains("\"isValid\":true"))
                  .run(concurrency, warmup, duration);
          rows.add(row("`POST /verify`, x402j", x402jVerify));
          rows.add(row("`POST /verify`, official TypeScript facilitator", officialVerify));
          // The ceiling: anvil answering the same reads with nothing in between, one verification's
          // reads per request and, as x402j coalesces them under load, sixteen per request.
          double ceiling = 0;
          for (int perRequest : new int[] {1, 16}) {
            Result reads =
                new Load(
                        http,
                        info.rpcUrl(),
                        verifyReads(info, verifyBodies, perRequest),
                        true,
                        b -> b.contains("\"result\""))
                    .run(concurrency, warmup, duration);
            ceiling = Math.max(ceiling, reads.perSecond() * perRequest);
            rows.add(
                row(
                    "anvil alone: "
                        + (perRequest == 1
                            ? "one verification's 3 reads per request"
                            : perRequest + " verifications' reads per request")
                        + " (req/s is requests)",
                    reads));
          }

          // Settlement with a block every second, as on a real chain.
          devnet.setAutomine(false);
          devnet.rpc().call("evm_setIntervalMining", 1).join();

          for (int inFlight : new int[] {concurrency, 1}) {
            int count = inFlight == 1 ? oneByOne : settlements;
            String how =
                " (1 s blocks, one gas key, "
                    + count
                    + " payments, "
                    + (inFlight == 1 ? "one at a time)" : inFlight + " in flight)");
            Result x402jSettle =
                new Load(
                        http,
                        x402jUrl + "/settle",
                        FacilitatorLoad.sign(buyer, required, count),
                        false,
                        b -> b.contains("\"success\":true"))
                    .run(inFlight, Duration.ZERO, null);
            Result officialSettle =
                new Load(
                        http,
                        official.url() + "/settle",
                        FacilitatorLoad.sign(buyer, required, count),
                        false,
                        b -> b.contains("\"success\":true"))
                    .run(inFlight, Duration.ZERO, null);
            rows.add(row("`POST /settle`, x402j" + how, x402jSettle));
            rows.add(row("`POST /settle`, official" + how, officialSettle));
          }
          devnet.rpc().call("evm_setIntervalMining", 0).join();
          devnet.setAutomine(true);

          List<Result> gateway = gatewayLatency(info, x402jUrl, buyer, http);
          rows.add(row("x402j gateway, a free route (one at a time)", gateway.get(0)));
          rows.add(
              row(
                  "x402j gateway, the same upstream paid: verify + upstream + settle to receipt (one at a"
                      + " time, automine)",
                  gateway.get(1)));

          summary.add(
              String.format(
                  "Verify: x402j %.1f× the official facilitator's throughput; anvil's ceiling for the"
                      + " same reads is %.0f verifications/s.",
                  x402jVerify.perSecond() / officialVerify.perSecond(), ceiling));
          summary.add(
              String.format(
                  "Gateway: paying adds %.1f ms at the median and %.1f ms at p99.",
                  gateway.get(1).percentileMillis(50) - gateway.get(0).percentileMillis(50),
                  gateway.get(1).percentileMillis(99) - gateway.get(0).percentileMillis(99)));
        } finally {
          x402j.destroy();
          x402j.waitFor(20, TimeUnit.SECONDS);
        }
      }
    }
    summary.add(solana(http, rows));

    out.println();
    out.printf(
        "%d cores, Java %s; %d requests in flight for /verify, %d s measured after %d s of"
            + " warm-up.%n",
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        concurrency,
        durationSeconds,
        warmupSeconds);
    summary.forEach(out::println);
    out.println();
    out.println("| what | requests | errors | req/s | p50 | p90 | p99 |");
    out.println("|---|---|---|---|---|---|---|");
    for (String[] r : rows) {
      out.println("| " + String.join(" | ", r) + " |");
    }
    out.flush();
    return 0;
  }

  private static String[] row(String what, Result r) {
    if (r.firstError() != null) {
      System.err.println("compare: " + what + ": first error: " + r.firstError());
    }

    return new String[] {
      what,
      Long.toString(r.requests()),
      Long.toString(r.errors()),
      String.format("%.0f", r.perSecond()),
      String.format("%.1f ms", r.percentileMillis(50)),
      String.format("%.1f ms", r.percentileMillis(90)),
      String.format("%.1f ms", r.percentileMillis(99))
    };
  }

  private static Process startX402jFacilitator(DevnetInfo info, String keys, Path dir)
      throws Exception {
    return startX402j(
        List.of(
            "--network",
            info.network().toString(),
            "--rpc-url",
            info.rpcUrl(),
            // Receipts are polled in batches, so polling often is cheap; it keeps the gateway
            // measurement about x402j rather than about the polling interval.
            "--poll-interval",
            "25ms"),
        keys,
        dir);
  }

  /**
   * {@code x402j facilitator} with {@code options}, on a free port with a SQLite ledger in {@code
   * dir}, its keys in {@code X402J_SIGNER_KEYS}, as its own process (output to files in {@code
   * dir}).
   */
  private static Process startX402j(List<String> options, String keys, Path dir) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(X402j.class.getName());
    command.add("facilitator");
    command.addAll(options);
    command.addAll(List.of("--port", "0", "--db", "jdbc:sqlite:" + dir.resolve("ledger.db")));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(dir.resolve("x402j.out").toFile())
            .redirectError(dir.resolve("x402j.log").toFile());
    builder.environment().put("X402J_SIGNER_KEYS", keys);
    builder.environment().put("X402J_LOG_LEVEL", "WARN");
    return builder.start();
  }

  /**
   * Solana: {@code /verify} of the x402j facilitator and of the official one ({@code @x402/svm}
   * exact behind {@code svm-facilitator.mjs}) on one local Solana devnet, the same signed payments
   * to both, then the devnet's own rate for the simulation a verification asks of it (the ceiling).
   * Both facilitators manage the same fee-payer key (the payments name it in {@code
   * extra.feePayer}); a verification spends nothing. The devnet makes blocks only when a
   * transaction lands, and none does, so the payments' blockhash stays valid for the whole run.
   *
   * @return the summary line
   */
  private String solana(HttpClient http, List<String[]> rows) throws Exception {
    NodeProject node = NodeProject.install(svmNodeProject, System.getenv());
    Path dir = Files.createTempDirectory("x402j-compare-solana");
    Duration warmup = Duration.ofSeconds(warmupSeconds);
    Duration duration = Duration.ofSeconds(durationSeconds);
    try (SolanaDevnet devnet =
        SolanaDevnet.start(SolanaDevnetOptions.builder().slotInterval(Duration.ZERO).build())) {
      SolanaDevnetInfo info = devnet.info();
      String feePayerKey = info.requireAccount("facilitator").privateKey();
      Process x402j =
          startX402j(
              List.of(
                  "--network",
                  info.network(),
                  "--rpc-url",
                  info.rpcUrl(),
                  "--asset",
                  info.token().address()),
              feePayerKey,
              dir);
      try (NodeProject.Service official =
          node.start(
              "svm-facilitator.mjs",
              Map.of("X402J_SOLANA_RPC", info.rpcUrl(), "X402J_SVM_FEE_PAYER_KEY", feePayerKey),
              Duration.ofSeconds(60))) {
        String x402jUrl = readUrl(x402j, dir);
        List<String> bodies = solanaPayments(info, payments);
        System.err.printf(
            "compare: Solana devnet %s; x402j %s, official %s%n",
            info.rpcUrl(), x402jUrl, official.url());
        Result x402jVerify =
            new Load(http, x402jUrl + "/verify", bodies, true, b -> b.contains("\"isValid\":true"))
                .run(concurrency, warmup, duration);
        Result officialVerify =
            new Load(
                    http,
                    official.url() + "/verify",
                    bodies,
                    true,
                    b -> b.contains("\"isValid\":true"))
                .run(concurrency, warmup, duration);
        rows.add(row("Solana `POST /verify`, x402j", x402jVerify));
        rows.add(row("Solana `POST /verify`, official TypeScript facilitator", officialVerify));
        double ceiling = 0;
        for (int perRequest : new int[] {1, 16}) {
          Result simulations =
              new Load(
                      http,
                      info.rpcUrl(),
                      simulations(bodies, perRequest),
                      true,
                      b -> b.split("\"err\":null", -1).length - 1 == perRequest)
                  .run(concurrency, warmup, duration);
          ceiling = Math.max(ceiling, simulations.perSecond() * perRequest);
          rows.add(
              row(
                  "Solana devnet alone: "
                      + (perRequest == 1
                          ? "one verification's simulation per request"
                          : perRequest + " verifications' simulations per request")
                      + " (req/s is requests)",
                  simulations));
        }
        return String.format(
            "Solana verify: x402j %.1f× the official facilitator's throughput; the devnet's ceiling"
                + " for the same simulations is %.0f verifications/s.",
            x402jVerify.perSecond() / officialVerify.perSecond(), ceiling);
      } finally {
        x402j.destroy();
        x402j.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * {@code n} verify bodies, each a different payment (the official client's transaction, built by
   * x402j's client, with its random memo) of 0.01 USDC from the devnet's buyer to its seller.
   */
  private static List<String> solanaPayments(SolanaDevnetInfo info, int n) {
    SolanaRpcClient rpc = SolanaRpcClient.connect(info.rpcUrl());
    SolanaRpcClient.LatestBlockhash latest = rpc.getLatestBlockhash().join();
    RecentBlockhash blockhash =
        new RecentBlockhash(latest.blockhash(), latest.lastValidBlockHeight());
    ExactSvmClient client =
        ExactSvmClient.builder(
                SolanaKeypair.fromBase58Secret(info.requireAccount("buyer").privateKey()))
            .blockhashSource(network -> blockhash)
            .build();
    PaymentRequirements required =
        PaymentRequirements.builder()
            .network(Network.parse(info.network()))
            .amount(TokenAmount.of(BigInteger.valueOf(10_000)))
            .asset(info.token().address())
            .payTo(info.requireAccount("seller").address())
            .maxTimeoutSeconds(3600)
            .extra("feePayer", info.requireAccount("facilitator").address())
            .build();
    List<String> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> payload = client.createPayload(2, required);
      bodies.add(
          SOLANA_WIRE.toJson(
              FacilitatorRequest.of(PaymentPayload.of(null, required, payload), required)));
    }
    return bodies;
  }

  /**
   * The simulation x402j asks of the node to verify each payment ({@code simulateTransaction}
   * without signature verification, at {@code confirmed}), {@code perRequest} to a batch.
   */
  private static List<String> simulations(List<String> bodies, int perRequest) throws Exception {
    List<String> batches = new ArrayList<>();
    List<Object> batch = new ArrayList<>();
    for (String body : bodies) {
      String transaction =
          JSON.readTree(body).path("paymentPayload").path("payload").path("transaction").asText();
      Map<String, Object> options = new LinkedHashMap<>();
      options.put("encoding", "base64");
      options.put("sigVerify", false);
      options.put("replaceRecentBlockhash", false);
      options.put("commitment", "confirmed");
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("jsonrpc", "2.0");
      request.put("id", batch.size() + 1);
      request.put("method", "simulateTransaction");
      request.put("params", List.of(transaction, options));
      batch.add(request);
      if (batch.size() == perRequest) {
        batches.add(JSON.writeValueAsString(perRequest == 1 ? batch.get(0) : batch));
        batch = new ArrayList<>();
      }
    }
    return batches;
  }

  /**
   * The URL the facilitator prints as a JSON line on stdout once it listens. Its output goes to
   * files, so that nothing it writes can block it.
   */
  private static String readUrl(Process process, Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(dir.resolve("x402j.out"), StandardCharsets.UTF_8)) {
        if (line.startsWith("{") && line.contains("\"url\"")) {
          return JSON.readTree(line).path("url").asText();
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the x402j facilitator did not start; see " + dir.resolve("x402j.log"));
  }

  /**
   * The JSON-RPC reads x402j makes to verify a payment (balance, authorization state, simulated
   * transfer) for each signed payment, {@code perRequest} payments' reads to a batch: what anvil
   * must answer per verification.
   */
  private static List<String> verifyReads(DevnetInfo info, List<String> bodies, int perRequest)
      throws Exception {
    List<String> batches = new ArrayList<>();
    String token = info.token().toLowerHex();
    String gas = info.requireAccount("x402j-gas").address().toLowerHex();
    List<Object> batch = new ArrayList<>();
    for (String body : bodies) {
      JsonNode payload = JSON.readTree(body).path("paymentPayload").path("payload");
      @SuppressWarnings("unchecked")
      ExactEvmPayload p = ExactEvmPayload.fromMap(JSON.convertValue(payload, Map.class));
      var a = p.authorization();
      batch.add(call(batch.size() + 1, token, Eip3009Calls.balanceOf(a.from()), null));
      batch.add(
          call(
              batch.size() + 1, token, Eip3009Calls.authorizationState(a.from(), a.nonce()), null));
      batch.add(call(batch.size() + 1, token, Eip3009Calls.transferWithAuthorization(p), gas));
      if (batch.size() == 3 * perRequest) {
        batches.add(JSON.writeValueAsString(batch));
        batch = new ArrayList<>();
      }
    }
    return batches;
  }

  private static Map<String, Object> call(int id, String to, byte[] data, String from) {
    Map<String, Object> tx = new LinkedHashMap<>();
    if (from != null) {
      tx.put("from", from);
    }
    tx.put("to", to);
    tx.put("data", Hex.encode(data));
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("jsonrpc", "2.0");
    request.put("id", id);
    request.put("method", "eth_call");
    request.put("params", List.of(tx, "latest"));
    return request;
  }

  /**
   * One request at a time through the x402j gateway: a free route, and the same resource paid
   * (verification, the upstream, settlement to a receipt); the difference is what paying adds.
   */
  private List<Result> gatewayLatency(
      DevnetInfo info, String facilitatorUrl, PrivateKeySigner buyer, HttpClient http)
      throws Exception {
    // Without TCP_NODELAY this JDK server's small responses wait ~40 ms for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);

    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"weather\":\"sunny\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    PaymentGate gate =
        PaymentGate.builder()
            .facilitator(HttpFacilitatorClient.builder(facilitatorUrl).build())
            .networks(
                io.x402j.core.NetworkRegistry.defaults().toBuilder()
                    .network(info.networkInfo())
                    .build())
            .routes(
                RouteTable.builder()
                    .route(
                        "GET /paid",
                        io.x402j.server.PaidRoute.of(
                            "$0.01",
                            info.network(),
                            info.requireAccount("seller").address().toString()))
                    .build())
            .build();
    try (Gateway gateway =
        Gateway.builder(gate, URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
            .port(0)
            .start()) {
      HttpResponse<String> asked =
          http.send(
              HttpRequest.newBuilder(URI.create(gateway.url() + "/paid")).build(),
              HttpResponse.BodyHandlers.ofString());
      HeaderCodec codec = HeaderCodec.standard();
      var paymentRequired =
          codec.decodePaymentRequired(
              asked
                  .headers()
                  .firstValue(PaymentHeader.PAYMENT_REQUIRED.headerName())
                  .orElseThrow());
      PaymentRequirements offered = paymentRequired.accepts().get(0);
      int n = gatewayRequests;
      int warmup = Math.max(1, n / 10);
      long[] free = new long[n];
      long[] paid = new long[n];
      for (int i = 0; i < n + warmup; i++) {
        // Signed just before use: a payment is only good for maxTimeoutSeconds.
        String header =
            codec.encodePaymentSignature(
                PaymentPayload.of(
                    paymentRequired.resource(),
                    offered,
                    ExactEvmClient.of(buyer).createPayload(2, offered)));
        long t0 = System.nanoTime();
        HttpResponse<String> f =
            http.send(
                HttpRequest.newBuilder(URI.create(gateway.url() + "/free")).build(),
                HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        HttpResponse<String> p =
            http.send(
                HttpRequest.newBuilder(URI.create(gateway.url() + "/paid"))
                    .header(PaymentHeader.PAYMENT_SIGNATURE.headerName(), header)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        long t2 = System.nanoTime();
        if (f.statusCode() != 200 || p.statusCode() != 200) {
          throw new IllegalStateException(
              "gateway run failed: "
                  + f.statusCode()
                  + " / "
                  + p.statusCode()
                  + " "
                  + p.body()
                  + " "
                  + p.headers().map());
        }
        if (i >= warmup) {
          free[i - warmup] = t1 - t0;
          paid[i - warmup] = t2 - t1;
        }
      }
      java.util.Arrays.sort(free);
      java.util.Arrays.sort(paid);
      double seconds = java.util.Arrays.stream(free).sum() / 1e9;
      double paidSeconds = java.util.Arrays.stream(paid).sum() / 1e9;
      return List.of(
          new Result(n, 0, seconds, free, null), new Result(n, 0, paidSeconds, paid, null));
    } finally {
      upstream.stop(0);
    }
  }
}
