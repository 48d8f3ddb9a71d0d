package io.x402j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.gateway.GatewayConfig;
import io.x402j.mcp.McpGateway;
import io.x402j.mcp.McpGatewayConfig;
import io.x402j.mcp.McpGatewayConfig.ToolSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code x402j mcp-gateway}: sells an existing MCP server's tools. The flags (or {@code --config
 * FILE}) become a {@link McpGatewayConfig}, which starts the {@link McpGateway}: over stdio (stdout
 * then carries only MCP; everything else goes to stderr) or, with {@code --port}, over streamable
 * HTTP at {@code http://127.0.0.1:PORT/mcp}.
 */
@Command(
    name = "mcp-gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an MCP server that offers every tool of an upstream MCP server and charges for the"
          + " tools you price (x402 over MCP); the others pass through free. Unpaid calls of"
          + " priced tools never reach the upstream; a tool that fails is not charged (except one"
          + " priced to settle before it runs).",
      "Either give --config FILE, or the flags below, e.g. --upstream-command \"node server.js\""
          + " --tool \"get_forecast=$0.01\". A bare number is atomic units of the token.",
      "Over stdio (the default) stdout carries only MCP; logs and the upstream's stderr go to"
          + " stderr. With --port it serves http://127.0.0.1:PORT/mcp and prints one JSON line."
    })
final class McpGatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The MCP channel in stdio mode (tests replace them). */
  InputStream stdin = System.in;

  PrintStream stdout = System.out;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration.")
  Path configFile;

  @Option(
      names = "--upstream-command",
      paramLabel = "\"CMD ARGS…\"",
      description =
          "The MCP server to sell, started as a child and spoken to over its stdio (split like a"
              + " shell's plain words; quotes group, nothing is expanded).")
  String upstreamCommand;

  @Option(
      names = "--upstream-url",
      paramLabel = "URL",
      description = "Or the MCP server to sell over streamable HTTP, e.g. http://host:3000/mcp.")
  String upstreamUrl;

  @Option(
      names = "--tool",
      paramLabel = "\"NAME=PRICE\"",
      description =
          "A priced tool; repeat for more. PRICE upto:N is a ceiling: the upstream's result"
              + " may state what it used in _meta[\"x402j/settlement-override\"] (atomic"
              + " units), else the ceiling is charged.")
  List<String> tools;

  @Mixin SellerOptions seller;

  @Mixin DiscoveryOptions discovery;

  @Option(
      names = "--asset-transfer-method",
      paramLabel = "eip3009|permit2",
      description = "How exact EVM tools are paid (default eip3009; permit2: any ERC-20).")
  String assetTransferMethod;

  @Option(
      names = "--also-accept",
      paramLabel = "\"network=N,pay-to=ADDR[,asset=TOKEN,...]\"",
      description = "Also sell every tool on this network (and token); repeat for more.")
  List<String> alsoAccept;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description =
          "Serve over streamable HTTP at http://127.0.0.1:PORT/mcp (0: any free port) instead of"
              + " stdio.")
  String port;

  /** The configuration the flags or the file describe. */
  @Option(
      names = "--db",
      paramLabel = "JDBC",
      description =
          "Record every sale of a tool here: jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB"
              + " (file: sales.db). Off unless given.")
  String db;

  /*
   * The HTTP gateway's sign-in flags, accepted only to be refused with the reason: sign-in-with-x
   * is an HTTP extension (the proof travels in the SIGN-IN-WITH-X request header and is bound to
   * the site's domain and URL), and neither the specification nor the official packages define a
   * way to carry it over MCP, whose x402 transport carries only payments (_meta "x402/payment").
   */
  @Option(names = "--sign-in-with-x", arity = "0..1", fallbackValue = "", hidden = true)
  String signInWindow;

  @Option(names = "--sign-in-origin", hidden = true)
  String signInOrigin;

  @Option(names = "--sign-in-db", hidden = true)
  String signInDb;

  @Option(names = "--sign-in-secret-env", hidden = true)
  String signInSecretEnv;

  /** Why mcp-gateway has no sign-in, for the flags and the file's {@code signInWithX}. */
  static final String NO_SIGN_IN = McpGatewayConfig.NO_SIGN_IN;

  /** The sales record's URL: --db, else the file's sales.db, else none. */
  String salesDb(Map<String, String> env) throws IOException {
    if (db != null) {
      return db;
    }
    if (configFile == null) {
      return null;
    }
    return io.x402j.gateway.SellerConsole.read(io.x402j.config.ConfigSection.load(configFile, env))
        .db();
  }

  McpGatewayConfig config(Map<String, String> env) throws IOException {
    if (signInWindow != null
        || signInOrigin != null
        || signInDb != null
        || signInSecretEnv != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--sign-in-with-x, --sign-in-origin, --sign-in-db and --sign-in-secret-env are not"
              + " available on mcp-gateway: "
              + NO_SIGN_IN);
    }
    if (configFile != null) {
      if (upstreamCommand != null
          || upstreamUrl != null
          || tools != null
          || seller.network != null
          || seller.payTo != null
          || alsoAccept != null
          || discovery.given()) {
        throw new ParameterException(
            spec.commandLine(),
            "--config cannot be combined with --upstream-command, --upstream-url, --tool,"
                + " --network, --pay-to, --also-accept or the discovery flags (give discoverable"
                + " and service in the file)");
      }
      return McpGatewayConfig.load(configFile, env);
    }
    List<String> missing = new ArrayList<>();
    if (upstreamCommand == null && upstreamUrl == null) {
      missing.add("--upstream-command or --upstream-url");
    }
    seller.addMissing(missing);
    if (tools == null || tools.isEmpty()) {
      missing.add("--tool");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "missing " + String.join(", ", missing) + " (or give --config FILE)");
    }
    if (upstreamCommand != null && upstreamUrl != null) {
      throw new ParameterException(
          spec.commandLine(), "give --upstream-command or --upstream-url, not both");
    }
    try {
      Integer decimals = seller.decimals();
      List<ToolSpec> specs = new ArrayList<>();
      for (String t : tools) {
        specs.add(McpGatewayConfig.TOOL.parse("--tool", t));
      }
      List<GatewayConfig.OfferSpec> also = SellerOptions.alsoAccept(alsoAccept);
      if (seller.asset == null
          && (seller.assetName != null
              || seller.assetVersion != null
              || seller.assetDecimals != null)) {
        throw new IllegalArgumentException(
            "--asset-name, --asset-version and --asset-decimals need the token's address, --asset");
      }
      return new McpGatewayConfig(
          upstreamCommand == null
              ? null
              : McpGatewayConfig.COMMAND.parse("--upstream-command", upstreamCommand),
          upstreamUrl == null ? null : McpGatewayConfig.URL.parse("--upstream-url", upstreamUrl),
          port == null ? null : GatewayConfig.PORT.parse("--port", port),
          specs,
          seller.facilitatorUrl(),
          seller.facilitatorTokenEnv,
          seller.parsedNetwork(),
          seller.v1Name,
          seller.parsedPayTo(),
          seller.assetSpec(decimals),
          seller.maxTimeout(),
          also,
          SellerOptions.assetTransferMethod(assetTransferMethod),
          discovery.discovery());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    McpGatewayConfig config = config(env);
    String salesDb = salesDb(env);
    io.x402j.sales.JdbcSalesRecord sales =
        salesDb == null ? null : io.x402j.sales.JdbcSalesRecord.open(salesDb, env);
    Thread salesHook = sales == null ? null : new Thread(sales::close, "x402j-sales-close");
    if (salesHook != null) {
      Runtime.getRuntime().addShutdownHook(salesHook);
    }
    McpGateway.Builder builder = config.gateway(env, sales);
    boolean stdio = config.port() == null;
    PrintStream channel = stdout;
    PrintStream console = System.err;
    if (stdio) {
      // stdout is the MCP channel: whatever else would print there goes to stderr instead
      if (channel == System.out) {
        System.setOut(System.err);
      }
      builder.stdio(stdin, channel);
    } else {
      builder.http(config.port());
    }
    McpGateway gateway;
    try {
      gateway = builder.start();
    } catch (IllegalStateException e) {
      // the upstream could not be started or reached, or the port bound: a clear message
      throw new IOException(e.getMessage(), e);
    }
    // One hook, in order: the gateway (its gate writes the queued sales events), then the record
    // (two hooks would run at once, the record closing under the events still being written).
    Runnable stop =
        () -> {
          gateway.close();
          if (sales != null) {
            sales.close();
          }
        };
    Thread hook = new Thread(stop, "x402j-mcp-gateway-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    if (salesHook != null) {
      Runtime.getRuntime().removeShutdownHook(salesHook);
    }
    ObjectNode line = new ObjectMapper().createObjectNode();
    gateway.url().ifPresent(u -> line.put("url", u));
    line.put("transport", stdio ? "stdio" : "streamable-http");
    line.put(
        "upstream",
        config.upstreamCommand() != null
            ? String.join(" ", config.upstreamCommand())
            : config.upstreamUrl().toString());
    ArrayNode list = line.putArray("tools");
    for (ToolSpec t : config.tools()) {
      list.addObject()
          .put("name", t.name())
          .put("price", (t.scheme().equals("upto") ? "upto:" : "") + t.price());
    }
    if (stdio) {
      console.println(line); // stdout is MCP's
      console.flush();
      gateway.closed().join(); // the client closed our stdin
      stop.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already stopping
      }
      return 0;
    }
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    new CountDownLatch(1).await(); // until interrupted (the shutdown hook closes the gateway)
    return 0;
  }
}
