package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.testing.ChildJvm;
import io.x402j.evm.rpc.JsonRpcClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code x402j demo} from the built jar, as a newcomer runs it. */
class DemoIT {
  static final Path JAR = Path.of("target", "x402j.jar");

  static ProcessBuilder demo(String... args) {
    List<String> command = ChildJvm.command();
    command.add("-jar");
    command.add(JAR.toString());
    command.add("demo");
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
  }

  @Test
  void theDemoPaysEveryRouteAndExitsZero() throws Exception {
    assertThat(JAR).as("the shaded jar is built in the package phase").exists();
    Process process = demo().start();
    String transcript = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(transcript).isZero();
    assertThat(transcript)
        .contains("402 Payment Required")
        .contains("PAYMENT-REQUIRED header (protocol v2)")
        .contains("JSON body (protocol v1)")
        .contains("signed an EIP-3009 authorization")
        .contains("verify it: valid")
        .contains("Every payment settled")
        .contains("on two chains");
    // The route sold on Solana: paid with the buyer's Solana key, its signature shown, the USDC
    // moved from the buyer to the seller.
    assertThat(transcript)
        .contains("GET /forecast")
        .contains("signed a Solana transaction")
        .containsPattern("TransferChecked of 2000 atomic units")
        .containsPattern("transaction signature " + SOLANA_SIGNATURE + ", slot \\d+")
        .contains("buyer 1000 USDC → 999.998 USDC; seller 0 USDC → 0.002 USDC");
    // The usage-based route: a Permit2 signature for the ceiling, the API's stated use charged.
    assertThat(transcript)
        .contains("GET /inference")
        .contains("signed a Permit2 transfer for at most that")
        .contains("the API said it used 1234 tokens; ceiling 0.05 TUSD, charged 0.01234 TUSD");
  }

  /** A base58 Ed25519 signature, as Solana names a transaction. */
  static final String SOLANA_SIGNATURE = "[1-9A-HJ-NP-Za-km-z]{64,88}";

  record Shell(int exit, String out, String err) {}

  /**
   * Runs lines of the transcript in a shell, exactly as printed, in a directory where {@code
   * ./x402j} is the built jar.
   */
  static Shell shell(Path bin, String script) throws Exception {
    Path err = Files.createTempFile(bin, "stderr", ".txt");
    Process process =
        new ProcessBuilder("/bin/sh", "-c", script)
            .directory(bin.toFile())
            .redirectError(err.toFile())
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(script).isTrue();
    return new Shell(process.exitValue(), out, Files.readString(err));
  }

  /** The "Try, in another terminal" block: its exports, then inspect and pay as printed. */
  static void theCommandsItPrintsWorkAsPrinted(String transcript) throws Exception {
    List<String> tried =
        transcript
            .lines()
            .dropWhile(l -> !l.startsWith("Try, in another terminal"))
            .skip(1)
            .map(String::strip)
            .toList();
    String exports =
        tried.stream().filter(l -> l.startsWith("export ")).collect(Collectors.joining("\n"));
    assertThat(exports).as(transcript).contains("X402J_PRIVATE_KEY=").contains("X402J_NETWORKS=");
    String inspect =
        tried.stream().filter(l -> l.startsWith("./x402j inspect ")).findFirst().orElseThrow();
    String pay = tried.stream().filter(l -> l.startsWith("./x402j pay ")).findFirst().orElseThrow();
    assertThat(pay).as("the natural dollar cap").contains(" --max '$0.01' ");

    Path bin = Files.createTempDirectory("x402j-demo-shell");
    Path launcher = bin.resolve("x402j");
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec '"
            + ChildJvm.java()
            + "' "
            + String.join(" ", ChildJvm.OPTIONS)
            + " -jar '"
            + JAR.toAbsolutePath()
            + "' \"$@\"\n");
    assertThat(launcher.toFile().setExecutable(true)).isTrue();

    Shell table = shell(bin, exports + "\n" + inspect);
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out())
        .as("price in dollars and the network's name")
        .contains("0.001 TUSD ($0.001)")
        .contains("x402j devnet (chain 31337) (eip155:31337)")
        .doesNotContain("unknown")
        .doesNotContain(" ? ");

    Shell paid = shell(bin, exports + "\n" + pay);
    assertThat(paid.exit()).as(paid.err()).isZero();
    assertThat(paid.out()).contains("Lisbon");
    assertThat(paid.err())
        .contains("paid 0.001 TUSD on eip155:31337")
        .containsPattern("settled in transaction 0x[0-9a-f]{64}");

    // With the buyer's Solana key and the runtime's URL exported too, the route sold on Solana.
    assertThat(exports).contains("X402J_SVM_PRIVATE_KEY=").contains("X402J_SOLANA_RPC_URL=");
    String paySolana =
        tried.stream()
            .filter(l -> l.startsWith("./x402j pay ") && l.contains("/forecast"))
            .findFirst()
            .orElseThrow();
    Shell solana = shell(bin, exports + "\n" + paySolana);
    assertThat(solana.exit()).as(solana.err()).isZero();
    assertThat(solana.out()).contains("\"days\"");
    assertThat(solana.err())
        .contains("paid 0.002 USDC on solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1")
        .containsPattern("settled in transaction " + SOLANA_SIGNATURE);
  }

  @Test
  void keptRunningItsTransactionsAreOnTheChainAndCtrlCStopsEverything() throws Exception {
    Process process = demo("--keep-running").start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder transcript = new StringBuilder();
      String line;
      String chain = null;
      String solana = null;
      String sellerDashboard = null;
      String facilitatorConsole = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
        transcript.append(line).append('\n');
        if (line.strip().startsWith("chain ")) {
          chain = line.strip().split("\\s+")[1];
        }
        if (line.strip().startsWith("solana ")) {
          solana = line.strip().split("\\s+")[1];
        }
        if (line.strip().startsWith("seller dashboard ")) {
          sellerDashboard = line.strip().split("\\s+")[2];
        }
        if (line.strip().startsWith("facilitator console ")) {
          facilitatorConsole = line.strip().split("\\s+")[2];
        }
        if (line.contains("curl ")) {
          break; // the last line of the "keeps running" block
        }
      }
      assertThat(chain).as(transcript.toString()).startsWith("http://127.0.0.1:");
      // Both consoles are up, on loopback, and the seller's shows the demo's sales.
      assertThat(sellerDashboard).as(transcript.toString()).startsWith("http://127.0.0.1:");
      assertThat(facilitatorConsole).as(transcript.toString()).startsWith("http://127.0.0.1:");
      java.net.http.HttpClient web = java.net.http.HttpClient.newHttpClient();
      JsonNode sales =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(
                  web.send(
                          java.net.http.HttpRequest.newBuilder(
                                  java.net.URI.create(sellerDashboard + "api/summary"))
                              .build(),
                          java.net.http.HttpResponse.BodyHandlers.ofString())
                      .body());
      assertThat(sales.at("/states/settled").asLong())
          .as(sales.toString())
          .isGreaterThanOrEqualTo(4);
      assertThat(sales.toString()).contains("GET /weather");
      assertThat(
              web.send(
                      java.net.http.HttpRequest.newBuilder(java.net.URI.create(facilitatorConsole))
                          .build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      Set<String> transactions = new LinkedHashSet<>();
      Matcher m = Pattern.compile("transaction (0x[0-9a-f]{64})").matcher(transcript);
      while (m.find()) {
        transactions.add(m.group(1));
      }
      assertThat(transactions).as("three exact payments and the upto one").hasSize(4);
      JsonRpcClient rpc = JsonRpcClient.builder(chain).build();
      for (String tx : transactions) {
        JsonNode receipt = rpc.call("eth_getTransactionReceipt", tx).join();
        assertThat(receipt.path("status").asText()).as(tx).isEqualTo("0x1");
      }

      // The Solana payment landed on the Solana runtime, without error.
      assertThat(solana).as(transcript.toString()).startsWith("http://127.0.0.1:");
      Matcher signature =
          Pattern.compile("transaction signature (" + SOLANA_SIGNATURE + "), slot")
              .matcher(transcript);
      assertThat(signature.find()).as(transcript.toString()).isTrue();
      JsonNode status =
          JsonRpcClient.builder(solana)
              .build()
              .call(
                  "getSignatureStatuses",
                  List.of(signature.group(1)),
                  java.util.Map.of("searchTransactionHistory", true))
              .join()
              .path("value")
              .path(0);
      assertThat(status.path("err").isNull()).as(status.toString()).isTrue();
      assertThat(status.path("slot").asLong()).as(status.toString()).isPositive();

      theCommandsItPrintsWorkAsPrinted(transcript.toString());

      List<ProcessHandle> children = process.descendants().toList();
      assertThat(children)
          .as("anvil and the Solana runtime run under the demo")
          .hasSizeGreaterThan(1);
      process.destroy(); // SIGTERM, as Ctrl-C
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      awaitExit(children, Duration.ofSeconds(15));
      assertThat(children).noneMatch(ProcessHandle::isAlive);
    } finally {
      process.destroyForcibly();
    }
  }

  /** Waits up to {@code timeout} for every one of {@code processes} to exit. */
  static void awaitExit(List<ProcessHandle> processes, Duration timeout) throws Exception {
    try {
      java.util.concurrent.CompletableFuture.allOf(
              processes.stream()
                  .map(ProcessHandle::onExit)
                  .toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      // the caller's assertion names the survivors
    }
  }
}
