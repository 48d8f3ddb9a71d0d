package io.x402j.facilitator;

import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_CLAIM_LEASE;
import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_DATABASE;
import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_HOST;
import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_MAX_BODY_BYTES;
import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_PORT;
import static io.x402j.facilitator.FacilitatorConfig.DEFAULT_RECONCILE_INTERVAL;

import io.x402j.config.ConfigException;
import io.x402j.config.ConfigSection;
import io.x402j.config.ValueParser;
import io.x402j.core.Network;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.FacilitatorConfig.SignerSource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a facilitator configuration file into a {@link FacilitatorConfig}: which keys exist, how
 * they nest, and their defaults. What each value must be is {@link SettingRules}'; every error
 * names the key by its dotted path.
 */
final class FacilitatorConfigFile {
  private static final ValueParser<String> TEXT = ValueParser.text();
  private static final ValueParser<Path> PATH = ValueParser.of("a file path", Path::of);

  private FacilitatorConfigFile() {}

  /**
   * The configuration {@code root} describes.
   *
   * @throws IllegalArgumentException naming the setting that is missing, unknown or invalid
   */
  static FacilitatorConfig read(ConfigSection root) {
    root.allowOnly(
        "host",
        "port",
        "database",
        "auth",
        "rateLimits",
        "denylist",
        "revertBan",
        "maxBodyBytes",
        "reconcileInterval",
        "claimLease",
        "builderCode",
        "builderServiceCode",
        "discovery",
        "admin",
        "networks");
    ConfigSection auth = root.section("auth").allowOnly("bearerTokenEnv");
    ConfigSection limits =
        root.section("rateLimits")
            .allowOnly(
                "settlesPerSecond",
                "settlesPerPayerPerMinute",
                "verifiesPerSecond",
                "verifiesPerPayerPerMinute");
    ConfigSection ban = root.section("revertBan").allowOnly("after", "within", "for");
    ConfigSection discovery =
        root.section("discovery")
            .allowOnly("enabled", "ttl", "maxEntries", "maxEntriesPerPayer", "answerWait");
    List<ConfigSection> networks = root.sections("networks");
    if (networks.isEmpty()) {
      throw new ConfigException("networks", "networks: list at least one network");
    }
    FacilitatorConfig.Builder b =
        FacilitatorConfig.builder()
            .host(root.get("host", TEXT, DEFAULT_HOST))
            .port(root.get("port", SettingRules.PORT, DEFAULT_PORT))
            .database(root.get("database", TEXT, DEFAULT_DATABASE))
            .bearerTokenEnv(auth.get("bearerTokenEnv", TEXT, null))
            .settleRateLimits(
                limits.get("settlesPerSecond", SettingRules.RATE, 0.0),
                limits.get("settlesPerPayerPerMinute", SettingRules.RATE, 0.0))
            .verifyRateLimits(
                limits.get("verifiesPerSecond", SettingRules.RATE, 0.0),
                limits.get("verifiesPerPayerPerMinute", SettingRules.RATE, 0.0))
            .denylist(root.get("denylist", PATH, null))
            .revertBan(revertBan(ban))
            .maxBodyBytes(
                root.get("maxBodyBytes", SettingRules.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES))
            .reconcileInterval(
                root.get("reconcileInterval", SettingRules.DURATION, DEFAULT_RECONCILE_INTERVAL))
            .claimLease(root.get("claimLease", SettingRules.DURATION, DEFAULT_CLAIM_LEASE))
            .builderCodes(
                root.get("builderCode", SettingRules.BUILDER_CODE, null),
                root.get("builderServiceCode", SettingRules.BUILDER_CODE, null))
            .discovery(discovery(discovery))
            .admin(root.has("admin") ? admin(root.section("admin")) : null);
    for (ConfigSection network : networks) {
      b.network(network(network));
    }
    return b.build();
  }

  private static DiscoveryCatalog.Settings discovery(ConfigSection section) {
    if (!section.get("enabled", ValueParser.bool(), true)) {
      return null;
    }
    DiscoveryCatalog.Settings fallback = DiscoveryCatalog.Settings.DEFAULT;
    return new DiscoveryCatalog.Settings(
        section.get("ttl", SettingRules.DURATION, fallback.ttl()),
        section.get("maxEntries", ValueParser.longInteger(1, 100_000_000), fallback.maxEntries()),
        section.get(
            "maxEntriesPerPayer",
            ValueParser.longInteger(1, 1_000_000),
            fallback.maxEntriesPerPayer()),
        section.get("answerWait", SettingRules.DISCOVERY_WAIT, fallback.answerWait()));
  }

  private static FacilitatorConfig.AdminSettings admin(ConfigSection section) {
    section.allowOnly("port", "bind", "passwordEnv", "lowBalance");
    Map<String, BigDecimal> low = new LinkedHashMap<>();
    ConfigSection thresholds = section.section("lowBalance").allowOnly("eip155", "solana");
    for (String family : List.of("eip155", "solana")) {
      BigDecimal value = thresholds.get(family, SettingRules.LOW_BALANCE, null);
      if (value != null) {
        low.put(family, value);
      }
    }
    return new FacilitatorConfig.AdminSettings(
        section.require("port", SettingRules.PORT, "the console's own port, e.g. 4023"),
        section.get("bind", TEXT, DEFAULT_HOST),
        section.get("passwordEnv", SettingRules.ENV_NAME, null),
        low);
  }

  private static RevertBan.Policy revertBan(ConfigSection ban) {
    RevertBan.Policy fallback = RevertBan.Policy.DEFAULT;
    return new RevertBan.Policy(
        ban.get("after", SettingRules.REVERT_BAN_AFTER, fallback.after()),
        ban.get("within", SettingRules.DURATION, fallback.within()),
        ban.get("for", SettingRules.DURATION, fallback.banFor()));
  }

  private static NetworkSettings network(ConfigSection node) {
    node.allowOnly(
        "network",
        "rpcUrls",
        "signers",
        "assets",
        "receiptTimeout",
        "pollInterval",
        "maxFeePerGasGwei",
        "gasLimitCap",
        "blockTime",
        "v1Name",
        "rpcBatchSize",
        "maxComputeUnitPrice",
        "maxComputeUnits",
        "maxPriorityFeeLamports",
        "eip6492AllowedFactories");
    Network network = node.require("network", SettingRules.NETWORK, "e.g. eip155:8453");
    boolean solana = Network.SOLANA.equals(network.namespace());
    NetworkSettings.Builder b =
        NetworkSettings.builder(network)
            .rpcUrls(node.list("rpcUrls", SettingRules.RPC_URL))
            .receiptTimeout(node.get("receiptTimeout", SettingRules.DURATION, null))
            .pollInterval(node.get("pollInterval", SettingRules.DURATION, null))
            .maxFeePerGasWei(node.get("maxFeePerGasGwei", SettingRules.MAX_FEE_GWEI, null))
            .gasLimitCap(node.get("gasLimitCap", SettingRules.GAS_LIMIT_CAP, null))
            .blockTime(node.get("blockTime", SettingRules.DURATION, null))
            .v1Name(node.get("v1Name", TEXT, null))
            .rpcBatchSize(node.get("rpcBatchSize", SettingRules.RPC_BATCH_SIZE, null));
    for (ConfigSection signer : node.sections("signers")) {
      signer.allowOnly("env", "keystore", "passwordEnv");
      try {
        b.signer(
            new SignerSource(
                signer.get("env", TEXT, null),
                signer.get("keystore", PATH, null),
                signer.get("passwordEnv", TEXT, null)));
      } catch (ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new ConfigException(signer.path(), signer.path() + ": " + e.getMessage());
      }
    }
    // EVM only: a Solana network listing factories is refused when the settings are built.
    node.list("eip6492AllowedFactories", SettingRules.ASSET).forEach(b::allowEip6492Factory);
    if (solana) {
      // Solana networks name mints (base58) and may cap compute; signers are base58 secrets.
      node.list("assets", SettingRules.SOLANA_MINT).forEach(b::mint);
      b.maxComputeUnitPrice(
          node.get("maxComputeUnitPrice", SettingRules.MAX_COMPUTE_UNIT_PRICE, null));
      b.maxComputeUnits(node.get("maxComputeUnits", SettingRules.MAX_COMPUTE_UNITS, null));
      b.maxPriorityFeeLamports(
          node.get("maxPriorityFeeLamports", SettingRules.MAX_PRIORITY_FEE_LAMPORTS, null));
    } else {
      node.list("assets", SettingRules.ASSET).forEach(b::asset);
      for (String solanaOnly :
          List.of("maxComputeUnitPrice", "maxComputeUnits", "maxPriorityFeeLamports")) {
        if (node.get(solanaOnly, TEXT, null) != null) {
          throw new ConfigException(
              node.path() + "." + solanaOnly,
              node.path() + "." + solanaOnly + ": only Solana networks take this setting");
        }
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.path(), node.path() + ": " + e.getMessage());
    }
  }
}
