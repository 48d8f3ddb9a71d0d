package io.x402j.cli;

import io.x402j.client.Payer;
import io.x402j.client.RequirementSelector;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.config.ValueParser;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.mcp.AgentWallet;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code x402j mcp}: an MCP server on stdio that gives an AI agent a wallet; it pays as {@code
 * x402j pay} does, under the same spend limits.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    description = {
      "Serves MCP (the Model Context Protocol) on stdin/stdout, for an AI agent (Claude Desktop, an"
          + " IDE, Spring AI): the tools x402_fetch (request a URL, paying its 402 within the"
          + " limits below, as pay does), x402_inspect (what a URL asks to be paid; pays nothing),"
          + " x402_balance (the wallet's balances on the --rpc-url and --solana-rpc-url nodes)"
          + " and x402_discover (what the --discovery-facilitator's catalog offers). The key"
          + " comes from X402J_PRIVATE_KEY / X402J_SVM_PRIVATE_KEY or a keystore"
          + " (--password-env, as no terminal is there to ask); it never appears in a tool"
          + " result. stdout carries MCP only; messages go to stderr.",
      "Runs until the client closes stdin."
    })
final class McpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin KeyOptions key;

  @Mixin NetworkOptions networkOptions;

  @Option(
      names = "--max",
      paramLabel = "PRICE",
      description =
          "The most to pay per payment: dollars such as $0.50 (USD stablecoins only), atomic"
              + " units such as 100000 (any token), or 'unlimited'. Default: "
              + PayCommand.DEFAULT_MAX
              + ".")
  String max;

  @Mixin SpendOptions spend;

  @Option(
      names = "--spend-log",
      paramLabel = "FILE",
      description = "Record payments here, so that --budget holds across calls and runs.")
  Path spendLog;

  @Option(
      names = "--solana-rpc-url",
      paramLabel = "URL",
      description =
          "A Solana JSON-RPC endpoint, when paying with the key in X402J_SVM_PRIVATE_KEY"
              + " (default: $X402J_SOLANA_RPC_URL); may hold $${ENV_VAR} references.")
  String solanaRpcUrl;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "How long to wait for each HTTP answer (default ${DEFAULT-VALUE}).")
  String timeoutSeconds;

  @Option(
      names = "--max-body-bytes",
      paramLabel = "BYTES",
      defaultValue = "65536",
      description =
          "The most of a response body x402_fetch returns to the agent; longer ones are cut,"
              + " the cut stated (default ${DEFAULT-VALUE}).")
  String maxBodyBytes;

  @Option(
      names = "--discovery-facilitator",
      paramLabel = "URL",
      description =
          "A facilitator whose discovery catalog (x402 Bazaar) the x402_discover tool reads."
              + " Without it the tool answers that discovery is not configured.")
  String discoveryFacilitator;

  @Option(
      names = "--discovery-token-env",
      paramLabel = "VAR",
      description = "Environment variable holding a bearer token for --discovery-facilitator.")
  String discoveryTokenEnv;

  /** The spend rules, read by pay's own code from the same flags. */
  private PayCommand rules() {
    PayCommand rules = new PayCommand();
    rules.spec = spec;
    rules.max = max;
    rules.spend = spend;
    rules.spendLog = spendLog;
    rules.solanaRpcUrl = solanaRpcUrl;
    return rules;
  }

  @Override
  public Integer call() throws Exception {
    // stdout is the MCP channel: whatever else would print there goes to stderr instead.
    PrintStream channel = System.out;
    System.setOut(System.err);
    try {
      return run(System.getenv(), channel);
    } finally {
      System.setOut(channel);
    }
  }

  /** Builds the wallet and serves it on stdin and {@code channel} until stdin ends. */
  int run(Map<String, String> env, PrintStream channel) throws Exception {
    AgentWallet wallet = wallet(env);
    PrintWriter err = spec.commandLine().getErr();
    try {
      err.println("x402j mcp: serving the wallet over MCP on stdin/stdout");
      err.flush();
      wallet.serveStdio(System.in, channel);
    } finally {
      closeLog();
    }
    return 0;
  }

  private SpendLog log;

  private void closeLog() {
    if (log != null) {
      log.close();
    }
  }

  /** The wallet the flags describe; its spend log stays open until the server ends. */
  AgentWallet wallet(Map<String, String> env) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PayCommand rules = rules();
    KnownNetworks known;
    SpendControls controls;
    RequirementSelector selector;
    Duration lifetime;
    Duration timeout;
    int bodyBytes;
    try {
      known = networkOptions.load(env);
      NetworkRegistry networks = known.registry();
      controls = rules.controls(networks);
      selector = rules.selector(networks);
      lifetime = rules.authorizationLifetime();
      timeout =
          Duration.ofSeconds(ValueParser.integer(1, 86_400).parse("--timeout", timeoutSeconds));
      bodyBytes = ValueParser.integer(1, 16 << 20).parse("--max-body-bytes", maxBodyBytes);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DiscoveryClient discovery;
    try {
      discovery = discovery(env, timeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Optional<SolanaKeypair> svm;
    String solanaNode;
    try {
      svm = key.svmSigner(env);
      solanaNode = svm.isPresent() ? rules.solanaRpcUrl(env) : null;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    // No console: stdin is the MCP channel, so a keystore's password comes from --password-env.
    PrivateKeySigner signer = svm.isPresent() && !key.hasEvmKey(env) ? null : key.signer(env, null);
    List<String> notes = new ArrayList<>();
    Map<Network, String> evmNodes =
        signer == null || !known.canLearn() ? Map.of() : known.evmNodes(notes);
    notes.forEach(note -> err.println("x402j mcp: " + note));
    err.flush();
    try {
      log = spendLog == null ? SpendLog.inMemory() : SpendLog.open(spendLog);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new ParameterException(spec.commandLine(), "--spend-log: " + e.getMessage());
    }
    Payer.Builder payer =
        Payer.builder()
            .maxAuthorizationLifetime(lifetime)
            .networks(known.registry())
            .spendControls(controls)
            .spendLog(log)
            .selector(selector);
    if (signer != null) {
      payer.signer(signer);
      evmNodes.forEach(payer::evmRpcUrl);
    }
    if (svm.isPresent()) {
      payer.svmSigner(svm.get());
      if (solanaNode != null) {
        payer.solanaRpcUrl(solanaNode);
      }
    }
    AgentWallet.Builder wallet =
        AgentWallet.builder(payer.build())
            .networks(known.registry())
            .timeout(timeout)
            .maxBodyBytes(bodyBytes)
            .serverInfo("x402j", version());
    if (discovery != null) {
      wallet.discovery(discovery);
    }
    if (signer != null) {
      wallet.evmAccount(signer.address());
      evmNodes.forEach(
          (network, url) -> wallet.evmNode(network, JsonRpcClient.builder(url).build()));
    }
    if (svm.isPresent()) {
      wallet.solanaAccount(svm.get().address());
      if (solanaNode != null) {
        wallet.solanaNode(SolanaRpcClient.connect(solanaNode));
      }
    }
    return wallet.build();
  }

  /** The catalog {@code x402_discover} reads, or {@code null} when none is configured. */
  DiscoveryClient discovery(Map<String, String> env, Duration timeout) {
    if (discoveryFacilitator == null) {
      if (discoveryTokenEnv != null) {
        throw new IllegalArgumentException("--discovery-token-env needs --discovery-facilitator");
      }
      return null;
    }
    DiscoveryClient.Builder client =
        DiscoveryClient.builder(discoveryFacilitator.strip()).timeout(timeout);
    if (discoveryTokenEnv != null) {
      String token = env.get(discoveryTokenEnv);
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            "--discovery-token-env: the variable " + discoveryTokenEnv + " is not set");
      }
      client.bearer(token.strip());
    }
    return client.build();
  }

  private static String version() {
    String version = McpCommand.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
