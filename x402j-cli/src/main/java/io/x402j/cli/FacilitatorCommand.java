package io.x402j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.config.ConfigException;
import io.x402j.config.EnvPlaceholders;
import io.x402j.config.ValueParser;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.WireCodec;
import io.x402j.facilitator.DiscoveryCatalog;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.RevertBan;
import io.x402j.facilitator.SettingRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code x402j facilitator}: verifies and settles payments over HTTP until interrupted. */
@Command(
    name = "facilitator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an x402 facilitator: POST /verify and /settle (protocol v1 and v2), GET /supported,"
          + " /health, /metrics and /settlements, with a durable ledger.",
      "Gas-paying keys come from the environment variable named by --signer-keys-env"
          + " (default X402J_SIGNER_KEYS, comma-separated hex keys; for a solana: network base58"
          + " 64-byte secret keys of the fee payers), never from flags.",
      "Either give --config FILE for several networks and every setting, or the flags below for"
          + " one network."
    })
final class FacilitatorCommand implements Callable<Integer> {
  private static final ValueParser<java.time.Duration> DURATION = SettingRules.DURATION;
  private static final ValueParser<Double> RATE = SettingRules.RATE;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file.")
  Path configFile;

  @Option(
      names = "--network",
      paramLabel = "CAIP2",
      description = "The network, e.g. eip155:84532.")
  String network;

  @Option(
      names = "--rpc-url",
      paramLabel = "URL",
      description = "JSON-RPC endpoint; repeat for fallbacks. May hold $${ENV_VAR} references.")
  List<String> rpcUrls;

  @Option(
      names = "--asset",
      paramLabel = "ADDRESS",
      description =
          "A token to accept (a mint on a solana: network); repeat for more (default: the"
              + " network's USDC).")
  List<String> assets;

  @Option(
      names = "--eip6492-allowed-factory",
      paramLabel = "ADDRESS",
      description =
          "A factory through which counterfactual smart wallets (ERC-6492) may be deployed at"
              + " settlement, at the facilitator's gas cost; repeat for more (default: none, such"
              + " payments are refused).")
  List<String> eip6492Factories;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = FacilitatorConfig.DEFAULT_HOST,
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "" + FacilitatorConfig.DEFAULT_PORT,
      description = "Port (default ${DEFAULT-VALUE}).")
  String port;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      defaultValue = FacilitatorConfig.DEFAULT_DATABASE,
      description =
          "Ledger: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (default ${DEFAULT-VALUE}).")
  String database;

  @Option(
      names = "--signer-keys-env",
      paramLabel = "VAR",
      defaultValue = "X402J_SIGNER_KEYS",
      description = "Environment variable holding the gas-paying keys (default ${DEFAULT-VALUE}).")
  String signerKeysEnv;

  @Option(
      names = "--v1-name",
      paramLabel = "NAME",
      description = "Protocol v1 name for a network x402j does not know.")
  String v1Name;

  @Option(
      names = "--block-time",
      paramLabel = "DURATION",
      description = "Block time for a network x402j does not know, e.g. 2s.")
  String blockTime;

  @Option(
      names = "--receipt-timeout",
      paramLabel = "DURATION",
      description = "Wait this long for a receipt before answering settlement_pending.")
  String receiptTimeout;

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      description = "Receipt polling interval (default a quarter block).")
  String pollInterval;

  @Option(
      names = "--max-fee-gwei",
      paramLabel = "GWEI",
      description = "Refuse to pay more than this per gas (default 200).")
  String maxFeeGwei;

  @Option(
      names = "--gas-limit-cap",
      paramLabel = "GAS",
      description = "Most gas one settlement may use (default 250000).")
  String gasLimitCap;

  @Option(
      names = "--rpc-batch-size",
      paramLabel = "CALLS",
      description =
          "Most JSON-RPC calls per request when concurrent reads are coalesced; 1 turns"
              + " coalescing off (default 48).")
  String rpcBatchSize;

  @Option(
      names = "--auth-token-env",
      paramLabel = "VAR",
      description =
          "Require Authorization: Bearer <value of VAR> on /verify, /settle, /settlements.")
  String authTokenEnv;

  @Option(
      names = "--settle-rate",
      paramLabel = "PER_SECOND",
      description = "Global /settle rate limit (default none).")
  String settleRate;

  @Option(
      names = "--settle-rate-per-payer",
      paramLabel = "PER_MINUTE",
      description = "Per-payer /settle rate limit (default none).")
  String settleRatePerPayer;

  @Option(
      names = "--verify-rate",
      paramLabel = "PER_SECOND",
      description = "Global /verify rate limit (default none).")
  String verifyRate;

  @Option(
      names = "--verify-rate-per-payer",
      paramLabel = "PER_MINUTE",
      description = "Per-payer /verify rate limit (default none).")
  String verifyRatePerPayer;

  @Option(
      names = "--revert-ban",
      paramLabel = "AFTER,WITHIN,FOR",
      defaultValue = "3,1h,24h",
      description =
          "Suspend a payer after AFTER of its settlements reverted on chain within WITHIN, for"
              + " FOR; 0 turns it off (default ${DEFAULT-VALUE}).")
  String revertBan;

  @Option(
      names = "--denylist",
      paramLabel = "FILE",
      description = "Addresses (one per line) refused as payer or recipient.")
  Path denylist;

  @Option(
      names = "--claim-lease",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description =
          "How long a crashed instance's unbroadcast claims block retries (default ${DEFAULT-VALUE}).")
  String claimLease;

  @Option(
      names = "--builder-code",
      paramLabel = "CODE",
      description =
          "ERC-8021 wallet code (w) appended to every EVM settlement's calldata (builder-code).")
  String builderCode;

  @Option(
      names = "--builder-service-code",
      paramLabel = "CODE",
      description = "This facilitator's own ERC-8021 service code, added to s (builder-code).")
  String builderServiceCode;

  @Option(
      names = "--discovery-ttl",
      paramLabel = "DURATION",
      defaultValue = "720h",
      description =
          "How long a Bazaar catalog entry stays listed after its last payment; 0 keeps no"
              + " catalog (default ${DEFAULT-VALUE}).")
  String discoveryTtl;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description =
          "Serve the operations console on this port (its own listener, never the API port);"
              + " 0 picks a free one.")
  String adminPort;

  @Option(
      names = "--admin-bind",
      paramLabel = "ADDRESS",
      description =
          "The console's address (default 127.0.0.1); any other than loopback needs"
              + " --admin-password-env.")
  String adminBind;

  @Option(
      names = "--admin-password-env",
      paramLabel = "NAME",
      description =
          "The environment variable holding the console's password (HTTP Basic, any user name);"
              + " then every console request needs it.")
  String adminPasswordEnv;

  @Option(
      names = "--admin-low-balance",
      paramLabel = "FAMILY=AMOUNT",
      description =
          "Flag a signer whose native balance is below AMOUNT (whole ETH or SOL), e.g."
              + " eip155=0.05 or solana=0.1; repeat per family (default eip155=0.01, solana=0.05).")
  List<String> adminLowBalance;

  @Option(
      names = "--discovery-wait",
      paramLabel = "DURATION",
      defaultValue = "100ms",
      description =
          "How long a settle answer waits for the Bazaar catalog before its EXTENSION-RESPONSES"
              + " says processing: 0 to 30s (default ${DEFAULT-VALUE}).")
  String discoveryWait;

  /** The immutable configuration the flags (or the file) describe. */
  FacilitatorConfig config(Map<String, String> env) throws IOException {
    FacilitatorConfig config = baseConfig(env);
    try {
      return withAdmin(config);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The console flags over the file's or the flags' configuration; they win over the file. */
  private FacilitatorConfig withAdmin(FacilitatorConfig config) {
    if (adminPort == null) {
      if (adminBind != null || adminPasswordEnv != null || adminLowBalance != null) {
        if (config.admin() == null) {
          throw new ParameterException(
              spec.commandLine(),
              "--admin-bind, --admin-password-env and --admin-low-balance need --admin-port");
        }
      } else {
        return config;
      }
    }
    FacilitatorConfig.AdminSettings base = config.admin();
    Map<String, java.math.BigDecimal> low =
        new java.util.LinkedHashMap<>(base == null ? Map.of() : base.lowBalance());
    for (String entry : adminLowBalance == null ? List.<String>of() : adminLowBalance) {
      int eq = entry.indexOf('=');
      String family = eq < 0 ? "" : entry.substring(0, eq).strip();
      if (!family.equals("eip155") && !family.equals("solana")) {
        throw new ConfigException(
            "--admin-low-balance", entry, "FAMILY=AMOUNT with FAMILY eip155 or solana");
      }
      low.put(
          family,
          SettingRules.LOW_BALANCE.parse("--admin-low-balance " + family, entry.substring(eq + 1)));
    }
    FacilitatorConfig.AdminSettings admin =
        new FacilitatorConfig.AdminSettings(
            adminPort != null ? SettingRules.PORT.parse("--admin-port", adminPort) : base.port(),
            adminBind != null ? adminBind : base == null ? null : base.bind(),
            adminPasswordEnv != null
                ? SettingRules.ENV_NAME.parse("--admin-password-env", adminPasswordEnv)
                : base == null ? null : base.passwordEnv(),
            low);
    return config.toBuilder().admin(admin).build();
  }

  private FacilitatorConfig baseConfig(Map<String, String> env) throws IOException {
    if (configFile != null) {
      if (network != null || rpcUrls != null || assets != null || eip6492Factories != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--config cannot be combined with --network, --rpc-url, --asset or"
                + " --eip6492-allowed-factory; put them in the file");
      }
      return FacilitatorConfig.load(configFile, env);
    }
    if (network == null) {
      throw new ParameterException(
          spec.commandLine(), "give --network (e.g. eip155:84532) or --config FILE");
    }
    if (rpcUrls == null || rpcUrls.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give --rpc-url for " + network);
    }
    try {
      List<String> urls = new ArrayList<>();
      for (String url : rpcUrls) {
        urls.add(EnvPlaceholders.resolve(url, env, "--rpc-url"));
      }
      io.x402j.core.Network parsed = SettingRules.NETWORK.parse("--network", network);
      boolean solana = io.x402j.core.Network.SOLANA.equals(parsed.namespace());
      NetworkSettings.Builder settings =
          NetworkSettings.builder(parsed)
              .rpcUrls(urls)
              .signersFromEnv(signerKeysEnv)
              .receiptTimeout(DURATION.parse("--receipt-timeout", receiptTimeout, null))
              .pollInterval(DURATION.parse("--poll-interval", pollInterval, null))
              .maxFeePerGasWei(SettingRules.MAX_FEE_GWEI.parse("--max-fee-gwei", maxFeeGwei, null))
              .gasLimitCap(SettingRules.GAS_LIMIT_CAP.parse("--gas-limit-cap", gasLimitCap, null))
              .rpcBatchSize(
                  SettingRules.RPC_BATCH_SIZE.parse("--rpc-batch-size", rpcBatchSize, null))
              .blockTime(DURATION.parse("--block-time", blockTime, null))
              .v1Name(v1Name);
      for (String factory : eip6492Factories == null ? List.<String>of() : eip6492Factories) {
        settings.allowEip6492Factory(
            SettingRules.ASSET.parse("--eip6492-allowed-factory", factory));
      }
      for (String asset : assets == null ? List.<String>of() : assets) {
        if (solana) {
          // A Solana network takes mints (base58); its fee payers are base58 secret keys.
          settings.mint(SettingRules.SOLANA_MINT.parse("--asset", asset));
        } else {
          settings.asset(SettingRules.ASSET.parse("--asset", asset));
        }
      }
      return FacilitatorConfig.builder()
          .host(host)
          .port(SettingRules.PORT.parse("--port", port))
          .database(database)
          .bearerTokenEnv(authTokenEnv)
          .settleRateLimits(
              RATE.parse("--settle-rate", settleRate, 0.0),
              RATE.parse("--settle-rate-per-payer", settleRatePerPayer, 0.0))
          .verifyRateLimits(
              RATE.parse("--verify-rate", verifyRate, 0.0),
              RATE.parse("--verify-rate-per-payer", verifyRatePerPayer, 0.0))
          .revertBan(revertBan(revertBan))
          .denylist(denylist)
          .claimLease(DURATION.parse("--claim-lease", claimLease))
          .builderCodes(builderCode, builderServiceCode)
          .discovery(discovery(discoveryTtl, discoveryWait))
          .network(settings.build())
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * The catalog settings for {@code --discovery-ttl} and {@code --discovery-wait}; a ttl of {@code
   * 0} keeps no catalog.
   */
  private static DiscoveryCatalog.Settings discovery(String ttl, String wait) {
    if (ttl.strip().equals("0")) {
      return null;
    }
    return DiscoveryCatalog.Settings.DEFAULT
        .withTtl(DURATION.parse("--discovery-ttl", ttl))
        .withAnswerWait(SettingRules.DISCOVERY_WAIT.parse("--discovery-wait", wait));
  }

  /** {@code AFTER,WITHIN,FOR} (e.g. {@code 3,1h,24h}) or {@code 0}; each part as in the file. */
  private static RevertBan.Policy revertBan(String text) {
    String[] parts = text.strip().split("\\s*,\\s*");
    if (parts.length == 1 && parts[0].equals("0")) {
      return RevertBan.Policy.OFF;
    }
    if (parts.length != 3) {
      throw new ConfigException(
          "--revert-ban", text, "AFTER,WITHIN,FOR such as 3,1h,24h, or 0 for off");
    }
    return new RevertBan.Policy(
        SettingRules.REVERT_BAN_AFTER.parse("--revert-ban AFTER", parts[0]),
        DURATION.parse("--revert-ban WITHIN", parts[1]),
        DURATION.parse("--revert-ban FOR", parts[2]));
  }

  @Override
  public Integer call() throws Exception {
    FacilitatorConfig config = config(System.getenv());
    FacilitatorApp app = FacilitatorApp.start(config, System.getenv(), NetworkRegistry.defaults());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close(); // graceful: in-flight requests finish
                  stopped.countDown();
                },
                "x402j-facilitator-stop"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode line = json.createObjectNode();
    line.put("url", app.url());
    if (app.adminUrl() != null) {
      line.put("adminUrl", app.adminUrl());
    }
    line.set("supported", json.readTree(WireCodec.standard().toJson(app.service().supportedNow())));
    spec.commandLine().getOut().println(line);
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
