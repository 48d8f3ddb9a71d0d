package io.x402j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.WireCodec;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A closed-loop load generator for a facilitator's {@code POST /verify} and {@code POST /settle}:
 * it starts a devnet and an x402j facilitator (SQLite ledger, several gas keys) in this JVM, signs
 * the payments up front, then keeps {@code --concurrency} requests in flight and reports requests
 * per second and latency percentiles. Every answer is checked: a verify must be valid and a
 * settlement successful, or it counts as an error.
 *
 * <p>Run: {@code java -cp x402j-bench/target/x402j-benchmarks.jar io.x402j.bench.FacilitatorLoad}
 */
@Command(
    name = "facilitator-load",
    mixinStandardHelpOptions = true,
    description = "Load-tests an x402j facilitator on a local devnet.")
public final class FacilitatorLoad implements Callable<Integer> {
  @Spec CommandSpec spec;

  private static final WireCodec WIRE = WireCodec.standard();
  private static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger PRICE = BigInteger.valueOf(10_000);

  @Option(
      names = "--mode",
      defaultValue = "both",
      description = "verify, settle or both (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      description = "Requests in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--warmup",
      defaultValue = "10",
      description = "Seconds of verify load before measuring (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--duration",
      defaultValue = "20",
      description = "Seconds of measured verify load (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--settlements",
      defaultValue = "2000",
      description = "Payments settled, each once (default ${DEFAULT-VALUE}).")
  int settlements;

  @Option(
      names = "--gas-keys",
      defaultValue = "4",
      description = "Gas-paying keys, i.e. parallel nonce lanes (default ${DEFAULT-VALUE}).")
  int gasKeys;

  @Option(names = "--json", description = "Print each result as one JSON line.")
  boolean json;

  /** Runs the load generator. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FacilitatorLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!List.of("verify", "settle", "both").contains(mode)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--mode must be verify, settle or both, got " + mode);
    }
    if (concurrency < 1 || settlements < 1 || gasKeys < 1 || durationSeconds < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--concurrency, --settlements, --gas-keys and --duration must be positive");
    }
    if (warmupSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--warmup must be 0 or more");
    }
    DevnetOptions.Builder chain =
        DevnetOptions.builder()
            .account("buyer", ETH, PRICE.multiply(BigInteger.valueOf(settlements)))
            .account("seller", BigInteger.ZERO, BigInteger.ZERO);
    for (int i = 1; i <= gasKeys; i++) {
      chain.account("gas-" + i, ETH.multiply(BigInteger.valueOf(100)), BigInteger.ZERO);
    }
    Path dir = Files.createTempDirectory("x402j-load");
    try (Devnet devnet = Devnet.start(chain.build())) {
      DevnetInfo info = devnet.info();
      String keys =
          IntStream.rangeClosed(1, gasKeys)
              .mapToObj(i -> info.requireAccount("gas-" + i).privateKey())
              .collect(Collectors.joining(","));
      try (FacilitatorApp app =
          FacilitatorApp.start(
              config(info, "jdbc:sqlite:" + dir.resolve("ledger.db")),
              Map.of("LOAD_GAS_KEYS", keys),
              NetworkRegistry.defaults())) {
        PaymentRequirements required = requirements(info, 600);
        PrivateKeySigner buyer = info.requireAccount("buyer").signer();
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4))
                .build();
        System.err.printf(
            "x402j facilitator load: %d cores, Java %s, concurrency %d, %d gas keys%n",
            Runtime.getRuntime().availableProcessors(), Runtime.version(), concurrency, gasKeys);
        if (!mode.equals("settle")) {
          List<String> bodies = sign(buyer, required, 1024);
          Load verify =
              new Load(
                  http,
                  app.url() + "/verify",
                  bodies,
                  true,
                  body -> body.contains("\"isValid\":true"));
          report(
              "verify",
              verify.run(
                  concurrency,
                  Duration.ofSeconds(warmupSeconds),
                  Duration.ofSeconds(durationSeconds)));
        }
        if (!mode.equals("verify")) {
          List<String> bodies = sign(buyer, required, settlements);
          Load settle =
              new Load(
                  http,
                  app.url() + "/settle",
                  bodies,
                  false,
                  body -> body.contains("\"success\":true"));
          report("settle", settle.run(concurrency, Duration.ZERO, null));
        }
      }
    }
    return 0;
  }

  private static FacilitatorConfig config(DevnetInfo info, String database) {
    return FacilitatorConfig.builder()
        .port(0)
        .database(database)
        .network(
            NetworkSettings.builder(info.network())
                .rpcUrl(info.rpcUrl())
                .signersFromEnv("LOAD_GAS_KEYS")
                .asset(info.token())
                .blockTime(info.networkInfo().blockTime())
                .v1Name("x402j-devnet")
                .build())
        .build();
  }

  /** What the benchmarks pay: 0.01 of the devnet's dollar to its "seller" account. */
  static PaymentRequirements requirements(DevnetInfo info, int maxTimeoutSeconds) {
    return PaymentRequirements.builder()
        .network(info.network())
        .amount(TokenAmount.of(PRICE))
        .asset(info.token().toString())
        .payTo(info.requireAccount("seller").address().toString())
        .maxTimeoutSeconds(maxTimeoutSeconds)
        .extra("name", info.tokenName())
        .extra("version", info.tokenVersion())
        .build();
  }

  static List<String> sign(PrivateKeySigner buyer, PaymentRequirements required, int n) {
    List<String> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> payload = ExactEvmClient.of(buyer).createPayload(2, required);
      bodies.add(
          WIRE.toJson(FacilitatorRequest.of(PaymentPayload.of(null, required, payload), required)));
    }
    return bodies;
  }

  private void report(String name, Result r) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode line = new ObjectMapper().createObjectNode();
      line.put("endpoint", name);
      line.put("concurrency", concurrency);
      line.put("requests", r.requests());
      line.put("errors", r.errors());
      line.put("seconds", r.seconds());
      line.put("requestsPerSecond", r.perSecond());
      line.put("p50Millis", r.percentileMillis(50));
      line.put("p90Millis", r.percentileMillis(90));
      line.put("p99Millis", r.percentileMillis(99));
      line.put("maxMillis", r.percentileMillis(100));
      out.println(line);
    } else {
      out.printf(
          "%-7s requests=%d errors=%d time=%.1fs rps=%.0f p50=%.1fms p90=%.1fms p99=%.1fms"
              + " max=%.1fms%n",
          name,
          r.requests(),
          r.errors(),
          r.seconds(),
          r.perSecond(),
          r.percentileMillis(50),
          r.percentileMillis(90),
          r.percentileMillis(99),
          r.percentileMillis(100));
    }
    if (r.firstError() != null) {
      out.println("  first error: " + r.firstError());
    }
    out.flush();
  }

  /** What one run measured. Latencies are sorted nanoseconds. */
  record Result(long requests, long errors, double seconds, long[] latencies, String firstError) {
    double perSecond() {
      return requests / seconds;
    }

    double percentileMillis(double p) {
      if (latencies.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100 * latencies.length) - 1;
      return latencies[Math.max(0, Math.min(latencies.length - 1, index))] / 1e6;
    }
  }

  /** Keeps requests in flight from a fixed set of bodies, each worker one at a time. */
  static final class Load {
    private final HttpClient http;
    private final URI uri;
    private final List<String> bodies;
    private final boolean cycle;
    private final Predicate<String> ok;

    Load(HttpClient http, String url, List<String> bodies, boolean cycle, Predicate<String> ok) {
      this.http = http;
      this.uri = URI.create(url);
      this.bodies = bodies;
      this.cycle = cycle;
      this.ok = ok;
    }

    /**
     * Runs until {@code duration} after the warm-up, or with {@code duration == null} until every
     * body was sent once.
     */
    Result run(int workers, Duration warmup, Duration duration) throws Exception {
      AtomicLong next = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicReference<String> firstError = new AtomicReference<>();
      long start = System.nanoTime();
      long measureFrom = start + warmup.toNanos();
      long stopAt = duration == null ? Long.MAX_VALUE : measureFrom + duration.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      List<Future<long[]>> results = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        results.add(
            pool.submit(
                () -> {
                  long[] latencies = new long[1024];
                  int count = 0;
                  while (true) {
                    long i = next.getAndIncrement();
                    if (!cycle && i >= bodies.size()) {
                      break;
                    }
                    long sent = System.nanoTime();
                    if (sent >= stopAt) {
                      break;
                    }
                    String body = bodies.get((int) (i % bodies.size()));
                    String problem = null;
                    try {
                      HttpResponse<String> response =
                          http.send(
                              HttpRequest.newBuilder(uri)
                                  .header("Content-Type", "application/json")
                                  .timeout(Duration.ofSeconds(60))
                                  .POST(HttpRequest.BodyPublishers.ofString(body))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      if (response.statusCode() != 200 || !ok.test(response.body())) {
                        problem = response.statusCode() + " " + response.body();
                      }
                    } catch (Exception e) {
                      problem = e.toString();
                    }
                    long received = System.nanoTime();
                    if (sent < measureFrom) {
                      continue; // warm-up
                    }
                    if (problem != null) {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, problem);
                    }
                    if (count == latencies.length) {
                      latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = received - sent;
                  }
                  return Arrays.copyOf(latencies, count);
                }));
      }
      List<long[]> parts = new ArrayList<>();
      for (Future<long[]> f : results) {
        parts.add(f.get());
      }
      long end = System.nanoTime();
      pool.shutdown();
      long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      double seconds = (end - Math.max(start, measureFrom)) / 1e9;
      return new Result(all.length, errors.get(), seconds, all, firstError.get());
    }
  }
}
