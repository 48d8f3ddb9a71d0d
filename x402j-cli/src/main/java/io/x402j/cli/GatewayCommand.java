package io.x402j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.support.Text;
import io.x402j.gateway.Gateway;
import io.x402j.gateway.GatewayConfig;
import io.x402j.gateway.GatewayConfig.RouteSpec;
import java.io.IOException;
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
 * {@code x402j gateway}: sells an HTTP API through a paying reverse proxy until interrupted. The
 * flags (or {@code --config FILE}) become a {@link GatewayConfig}, which starts the {@link
 * Gateway}.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a reverse proxy that charges for the routes you price and forwards paid (and free)"
          + " requests to the upstream. Unpaid requests to priced routes never reach it; an"
          + " upstream error is not charged (except on a route that settles before forwarding).",
      "Either give --config FILE, or the flags below, e.g. --route \"GET /weather=$0.001\"."
          + " A bare number is atomic units of the token."
    })
final class GatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration.")
  Path configFile;

  @Option(names = "--upstream", paramLabel = "URL", description = "The API to sell.")
  String upstream;

  @Mixin SellerOptions seller;

  @Option(
      names = "--route",
      paramLabel = "\"[METHOD] /path=PRICE\"",
      description =
          "A priced route; repeat for more. PRICE upto:N (e.g. \"POST /infer=upto:100000\") is a"
              + " ceiling: the upstream charges what it used with a Settlement-Overrides header.")
  List<String> routes;

  @Option(
      names = "--asset-transfer-method",
      paramLabel = "eip3009|permit2",
      description = "How exact EVM routes are paid (default eip3009; permit2: any ERC-20).")
  String assetTransferMethod;

  @Option(
      names = "--also-accept",
      paramLabel = "\"network=N,pay-to=ADDR[,asset=TOKEN,asset-decimals=D,...]\"",
      description =
          "Also sell every route on this network (and token); repeat for more. Keys: network,"
              + " pay-to, asset, asset-decimals, asset-name, asset-version, asset-symbol.")
  List<String> alsoAccept;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "4021",
      description = "Port (default ${DEFAULT-VALUE}).")
  String port;

  @Option(
      names = "--no-paywall",
      description = "Browsers get the plain 402 instead of the payment page.")
  boolean noPaywall;

  @Option(names = "--app-name", paramLabel = "NAME", description = "Your name on the paywall.")
  String appName;

  @Mixin DiscoveryOptions discovery;

  @Option(
      names = "--description",
      paramLabel = "\"[METHOD] /path=TEXT\"",
      description = "What a --route is (its pattern as given there); repeat for more.")
  List<String> descriptions;

  @Option(
      names = "--mime-type",
      paramLabel = "TYPE",
      description = "The media type of every route's response, e.g. application/json.")
  String mimeType;

  @Option(
      names = "--sign-in-with-x",
      paramLabel = "WINDOW",
      arity = "0..1",
      fallbackValue = "24h",
      description =
          "Wallets that paid a route within WINDOW (default 24h; 30m, PT24H, …) sign in"
              + " (SIGN-IN-WITH-X) instead of paying again; the upstream gets the wallet in"
              + " X-Payment-Signed-In.")
  String signInWindow;

  @Option(
      names = "--sign-in-origin",
      paramLabel = "URL",
      description =
          "The public origin sign-ins must name (default http://HOST:PORT), e.g."
              + " https://api.example.com behind a proxy.")
  String signInOrigin;

  @Option(
      names = "--sign-in-db",
      paramLabel = "JDBC_URL",
      description =
          "Keep sign-in passes in jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB, shared by every"
              + " gateway on it (default: memory).")
  String signInDb;

  @Option(
      names = "--sign-in-secret-env",
      paramLabel = "NAME",
      description =
          "Environment variable with the sign-in challenge secret (32+ characters), the same on"
              + " every gateway sharing --sign-in-db.")
  String signInSecretEnv;

  /** The sign-in settings of the flags, or null when --sign-in-with-x is not given. */
  private GatewayConfig.SignInSpec signIn() {
    if (signInWindow == null) {
      if (signInOrigin != null || signInDb != null || signInSecretEnv != null) {
        throw new IllegalArgumentException(
            "--sign-in-origin, --sign-in-db and --sign-in-secret-env need --sign-in-with-x");
      }
      return null;
    }
    return new GatewayConfig.SignInSpec(
        GatewayConfig.SIGN_IN_WINDOW.parse("--sign-in-with-x", signInWindow),
        signInOrigin == null
            ? null
            : GatewayConfig.SIGN_IN_ORIGIN.parse("--sign-in-origin", signInOrigin),
        signInDb == null ? null : GatewayConfig.SIGN_IN_DATABASE.parse("--sign-in-db", signInDb),
        signInSecretEnv);
  }

  @Option(
      names = "--db",
      paramLabel = "JDBC",
      description =
          "Record every sale here (the seller dashboard's data): jdbc:sqlite:FILE, or"
              + " jdbc:postgresql://HOST:PORT/DB for several gateways (credentials in"
              + " X402J_DB_USER / X402J_DB_PASSWORD). Off unless given.")
  String db;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description =
          "Serve the seller dashboard, its JSON and CSV and the seller metrics (/metrics) on this"
              + " separate port (needs --db). Never on the public port.")
  Integer adminPort;

  @Option(
      names = "--admin-bind",
      paramLabel = "HOST",
      description = "The admin listener's address (default 127.0.0.1; any other needs a password).")
  String adminBind;

  @Option(
      names = "--admin-password-env",
      paramLabel = "NAME",
      description = "The environment variable holding the admin password (HTTP Basic).")
  String adminPasswordEnv;

  @Option(
      names = "--balance-rpc",
      paramLabel = "NETWORK=URL",
      description =
          "A node the dashboard reads the payTo balance from, e.g. eip155:8453=https://…;"
              + " repeat for more networks.")
  List<String> balanceRpc;

  /** The sales record and admin listener the flags and the file describe. */
  io.x402j.gateway.SellerConsole console(Map<String, String> env) throws IOException {
    io.x402j.gateway.SellerConsole file =
        configFile == null
            ? io.x402j.gateway.SellerConsole.NONE
            : io.x402j.gateway.SellerConsole.read(
                io.x402j.config.ConfigSection.load(configFile, env));
    Map<io.x402j.core.Network, String> nodes = new java.util.LinkedHashMap<>();
    try {
      for (String r : balanceRpc == null ? List.<String>of() : balanceRpc) {
        int eq = r.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "--balance-rpc must be NETWORK=URL, e.g. eip155:8453=https://mainnet.base.org");
        }
        nodes.put(
            io.x402j.core.Network.parse(r.substring(0, eq).strip()),
            GatewayConfig.URL.parse("--balance-rpc", r.substring(eq + 1).strip()).toString());
      }
      if (adminPort != null) {
        GatewayConfig.PORT.parse("--admin-port", String.valueOf(adminPort));
      }
      return file.withFlags(db, adminBind, adminPort, adminPasswordEnv, nodes);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The configuration the flags or the file describe. */
  GatewayConfig config(Map<String, String> env) throws IOException {
    if (configFile != null) {
      if (upstream != null
          || routes != null
          || seller.network != null
          || seller.payTo != null
          || alsoAccept != null
          || discovery.given()
          || descriptions != null
          || mimeType != null
          || signInWindow != null
          || signInOrigin != null
          || signInDb != null
          || signInSecretEnv != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--config cannot be combined with --upstream, --route, --network, --pay-to,"
                + " --also-accept, the discovery flags (--discoverable, --description,"
                + " --mime-type, --service-name, --tag, --icon-url: give discoverable, the routes'"
                + " description and mimeType and service in the file) or the sign-in flags"
                + " (--sign-in-…: give signInWithX in the file)");
      }
      return GatewayConfig.load(configFile, env);
    }
    List<String> missing = new ArrayList<>();
    if (upstream == null) {
      missing.add("--upstream");
    }
    seller.addMissing(missing);
    if (routes == null || routes.isEmpty()) {
      missing.add("--route");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "missing " + String.join(", ", missing) + " (or give --config FILE)");
    }
    try {
      Integer decimals = seller.decimals();
      List<RouteSpec> specs = new ArrayList<>();
      for (String r : routes) {
        specs.add(GatewayConfig.ROUTE.parse("--route", r).describedAs(null, mimeType));
      }
      for (String d : descriptions == null ? List.<String>of() : descriptions) {
        Map.Entry<String, String> described =
            GatewayConfig.ROUTE_DESCRIPTION.parse("--description", d);
        int at = -1;
        for (int i = 0; i < specs.size(); i++) {
          if (specs.get(i).pattern().equals(described.getKey())) {
            at = i;
          }
        }
        if (at < 0) {
          throw new IllegalArgumentException(
              "--description "
                  + Text.quote(d)
                  + " names no --route; give the pattern as in --route, e.g. \"GET /weather=…\"");
        }
        specs.set(at, specs.get(at).describedAs(described.getValue(), null));
      }
      List<GatewayConfig.OfferSpec> also = SellerOptions.alsoAccept(alsoAccept);
      return new GatewayConfig(
          host,
          GatewayConfig.PORT.parse("--port", port),
          GatewayConfig.URL.parse("--upstream", upstream),
          seller.facilitatorUrl(),
          seller.facilitatorTokenEnv,
          seller.parsedNetwork(),
          seller.v1Name,
          seller.parsedPayTo(),
          seller.assetSpec(decimals),
          seller.maxTimeout(),
          !noPaywall,
          appName == null ? "" : appName,
          specs,
          also,
          SellerOptions.assetTransferMethod(assetTransferMethod),
          discovery.discovery(),
          signIn());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), asFlags(e.getMessage()));
    }
  }

  /** A configuration's message about {@code alsoAccept[i].key}, in the flag's words. */
  private static String asFlags(String message) {
    if (message == null || !message.startsWith("alsoAccept[")) {
      return message;
    }
    return message
        .replaceFirst("^alsoAccept\\[(\\d+)]", "--also-accept #$1")
        .replaceFirst("^(--also-accept #\\d+)\\.payTo", "$1 pay-to")
        .replaceFirst("^(--also-accept #\\d+)\\.asset\\.address", "$1 asset")
        .replaceFirst("^(--also-accept #\\d+)\\.network", "$1 network")
        .replaceFirst("^(--also-accept #\\d+)\\.asset", "$1 asset");
  }

  @Override
  public Integer call() throws Exception {
    GatewayConfig config = config(System.getenv());
    io.x402j.gateway.SellerConsole.Running running =
        console(System.getenv()).start(config, System.getenv());
    Gateway gateway = running.gateway();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "x402j-gateway-stop"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode line = json.createObjectNode();
    line.put("url", gateway.url());
    line.put("upstream", config.upstream().toString());
    running.adminUrl().ifPresent(admin -> line.put("admin", admin + "/"));
    ArrayNode list = line.putArray("routes");
    for (RouteSpec r : config.routes()) {
      list.addObject().put("route", r.pattern()).put("price", r.price());
    }
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
