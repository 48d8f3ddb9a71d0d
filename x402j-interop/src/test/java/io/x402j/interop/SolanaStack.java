package io.x402j.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.devnet.NodeProject.Service;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.devnet.SolanaDevnetAccount;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The Solana side of the interop tests: x402j's Solana devnet, x402j's facilitator serving it, and
 * the official TypeScript facilitator and Express server ({@code @x402/svm} 2.27.0) run with Node
 * against it.
 */
final class SolanaStack {
  static final Network NETWORK = Network.parse(SolanaDevnet.NETWORK);
  static final String SIGNER_KEYS_ENV = "X402J_SIGNER_KEYS";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private SolanaStack() {}

  static SolanaDevnetAccount account(SolanaDevnet devnet, String name) {
    return devnet.info().requireAccount(name);
  }

  /** The devnet-token balance of {@code owner} (0 when it has no token account). */
  static BigInteger balance(SolanaDevnet devnet, String owner) {
    return devnet.controls().tokenBalance(owner).amount();
  }

  /**
   * x402j's facilitator for the devnet, on SQLite in {@code dir}, paying fees with the devnet
   * account {@code feePayer} (its key given as {@code X402J_SIGNER_KEYS}, as the CLI takes it).
   */
  static FacilitatorApp x402jFacilitator(SolanaDevnet devnet, String feePayer, Path dir) {
    FacilitatorConfig config =
        FacilitatorConfig.builder()
            .port(0)
            .database("jdbc:sqlite:" + dir.resolve("solana-" + System.nanoTime() + ".db"))
            .network(
                NetworkSettings.builder(NETWORK)
                    .rpcUrl(devnet.info().rpcUrl())
                    .signersFromEnv(SIGNER_KEYS_ENV)
                    .mint(devnet.info().token().address())
                    .build())
            .build();
    return FacilitatorApp.start(
        config,
        Map.of(SIGNER_KEYS_ENV, account(devnet, feePayer).privateKey()),
        NetworkRegistry.defaults());
  }

  /**
   * The official facilitator ({@code @x402/svm} exact, v1 and v2), paying fees as {@code feePayer}.
   */
  static Service officialFacilitator(SolanaDevnet devnet, String feePayer) throws Exception {
    return Node.project()
        .start(
            "svm-facilitator.mjs",
            Map.of(
                "X402J_SVM_FEE_PAYER_KEY", account(devnet, feePayer).privateKey(),
                "X402J_SOLANA_RPC", devnet.info().rpcUrl()),
            Duration.ofSeconds(60));
  }

  /**
   * The official Express server ({@code GET /weather}, $0.01 on Solana devnet) paying {@code
   * payTo}.
   */
  static Service officialExpressServer(SolanaDevnet devnet, String payTo, String facilitatorUrl)
      throws Exception {
    return Node.project()
        .start(
            "svm-express-server.mjs",
            Map.of(
                "X402J_PAY_TO", payTo,
                "X402J_FACILITATOR_URL", facilitatorUrl,
                "X402J_SOLANA_RPC", devnet.info().rpcUrl()),
            Duration.ofSeconds(60));
  }

  /** The buyer's key and the chain, for Node scripts (never on a command line). */
  static Map<String, String> buyerEnv(SolanaDevnet devnet) {
    return Map.of(
        "X402J_SVM_KEY", account(devnet, "buyer").privateKey(),
        "X402J_SOLANA_RPC", devnet.info().rpcUrl());
  }

  /** Pays {@code url} with an official client ({@code v2} or {@code v1}) as the devnet's buyer. */
  static JsonNode officialPay(SolanaDevnet devnet, String version, String url) throws Exception {
    return Node.project()
        .run("svm-pay.mjs", buyerEnv(devnet), Duration.ofSeconds(60), version, url);
  }

  /** Posts {@code body} to a facilitator's {@code path} and returns its JSON answer. */
  static JsonNode post(String facilitatorUrl, String path, JsonNode body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(facilitatorUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** A temporary directory for SQLite ledgers. */
  static Path tempDir() throws IOException {
    return Files.createTempDirectory("x402j-solana-interop");
  }
}
