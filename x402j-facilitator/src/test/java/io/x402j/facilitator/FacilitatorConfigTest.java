package io.x402j.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FacilitatorConfigTest {
  private static final Map<String, String> ENV = Map.of("ALCHEMY_KEY", "s3cret", "DB_HOST", "db");

  @TempDir Path dir;

  private FacilitatorConfig load(String yaml) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(file, yaml);
    return FacilitatorConfig.load(file, ENV);
  }

  private static final String MINIMAL =
      "networks:\n"
          + "  - network: eip155:84532\n"
          + "    rpcUrls: [https://sepolia.base.org]\n"
          + "    signers: [{env: GAS_KEYS}]\n";

  @Test
  void aMinimalFileGetsTheDefaults() throws Exception {
    FacilitatorConfig config = load(MINIMAL);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(4022);
    assertThat(config.database()).isEqualTo("jdbc:sqlite:x402j-ledger.db");
    assertThat(config.bearerTokenEnv()).isNull();
    assertThat(config.settlesPerSecond()).isZero();
    assertThat(config.settlesPerPayerPerMinute()).isZero();
    assertThat(config.verifiesPerSecond()).isZero();
    assertThat(config.verifiesPerPayerPerMinute()).isZero();
    assertThat(config.revertBan()).isEqualTo(RevertBan.Policy.DEFAULT);
    assertThat(config.revertBan().enabled()).isTrue();
    assertThat(config.denylist()).isNull();
    assertThat(config.maxBodyBytes()).isEqualTo(64 * 1024);
    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(30));
    NetworkSettings network = config.networks().get(0);
    assertThat(network.network()).isEqualTo(Network.parse("eip155:84532"));
    assertThat(network.rpcUrls()).containsExactly("https://sepolia.base.org");
    assertThat(network.signers().get(0).env()).isEqualTo("GAS_KEYS");
    assertThat(network.assets()).isEmpty();
    assertThat(network.receiptTimeout()).isNull();
    assertThat(network.maxFeePerGasWei()).isNull();
  }

  @Test
  void everySettingIsRead() throws Exception {
    FacilitatorConfig config =
        load(
            String.join(
                "\n",
                "host: 0.0.0.0",
                "port: 8402",
                "database: jdbc:postgresql://${DB_HOST}/x402j",
                "auth: {bearerTokenEnv: API_TOKEN}",
                "rateLimits: {settlesPerSecond: 25, settlesPerPayerPerMinute: 6.5,",
                "  verifiesPerSecond: 300, verifiesPerPayerPerMinute: 120}",
                "revertBan: {after: 2, within: 30m, for: 12h}",
                "denylist: /etc/x402j/deny.txt",
                "maxBodyBytes: 32768",
                "reconcileInterval: 1m",
                "claimLease: 500ms",
                "networks:",
                "  - network: eip155:8453",
                "    rpcUrls:",
                "      - https://base-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}",
                "      - https://mainnet.base.org",
                "    signers:",
                "      - env: GAS_KEYS",
                "      - keystore: /etc/x402j/gas.json",
                "        passwordEnv: GAS_PASSWORD",
                "    assets: [\"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913\"]",
                "    receiptTimeout: 45s",
                "    pollInterval: 500ms",
                "    maxFeePerGasGwei: 0.25",
                "    gasLimitCap: 150000",
                "    eip6492AllowedFactories: [\"0x6492000000000000000000000000000000006492\"]",
                "    rpcBatchSize: 10",
                "  - network: eip155:31337",
                "    rpcUrls: [http://127.0.0.1:8545]",
                "    signers: [{env: DEV_KEYS}]",
                "    blockTime: 2s",
                "    v1Name: my-devnet",
                ""));
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8402);
    assertThat(config.database()).isEqualTo("jdbc:postgresql://db/x402j");
    assertThat(config.bearerTokenEnv()).isEqualTo("API_TOKEN");
    assertThat(config.settlesPerSecond()).isEqualTo(25);
    assertThat(config.settlesPerPayerPerMinute()).isEqualTo(6.5);
    assertThat(config.verifiesPerSecond()).isEqualTo(300);
    assertThat(config.verifiesPerPayerPerMinute()).isEqualTo(120);
    assertThat(config.revertBan())
        .isEqualTo(new RevertBan.Policy(2, Duration.ofMinutes(30), Duration.ofHours(12)));
    assertThat(config.denylist()).isEqualTo(Path.of("/etc/x402j/deny.txt"));
    assertThat(config.maxBodyBytes()).isEqualTo(32768);
    assertThat(config.reconcileInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.claimLease()).isEqualTo(Duration.ofMillis(500));
    NetworkSettings base = config.networks().get(0);
    assertThat(base.rpcUrls())
        .containsExactly(
            "https://base-mainnet.g.alchemy.com/v2/s3cret", "https://mainnet.base.org");
    assertThat(base.signers()).hasSize(2);
    assertThat(base.signers().get(1).keystore()).isEqualTo(Path.of("/etc/x402j/gas.json"));
    assertThat(base.signers().get(1).passwordEnv()).isEqualTo("GAS_PASSWORD");
    assertThat(base.assets())
        .containsExactly(EvmAddress.parse("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"));
    assertThat(base.receiptTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(base.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(base.maxFeePerGasWei()).isEqualTo(BigInteger.valueOf(250_000_000L));
    assertThat(base.gasLimitCap()).isEqualTo(150_000L);
    assertThat(base.rpcBatchSize()).isEqualTo(10);
    assertThat(base.eip6492AllowedFactories())
        .containsExactly(EvmAddress.parse("0x6492000000000000000000000000000000006492"));
    NetworkSettings devnet = config.networks().get(1);
    assertThat(devnet.eip6492AllowedFactories()).as("none by default").isEmpty();
    assertThat(devnet.rpcBatchSize()).isNull();
    assertThat(devnet.blockTime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(devnet.v1Name()).isEqualTo("my-devnet");
  }

  private FacilitatorConfig assertLoads(String yaml) {
    try {
      return load(yaml);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theReadmeExampleLoads() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String yaml = null;
    for (int start = readme.indexOf("```yaml\n");
        start >= 0;
        start = readme.indexOf("```yaml\n", start + 1)) {
      String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
      if (block.contains("networks:") && block.contains("rpcUrls:")) {
        yaml = block;
        break;
      }
    }
    assertThat(yaml).as("the README has the facilitator's YAML example").isNotNull();

    Path file = dir.resolve("readme.yaml");
    Files.writeString(file, yaml);

    FacilitatorConfig config = FacilitatorConfig.load(file, Map.of("ALCHEMY_KEY", "k"));

    assertThat(config.networks()).hasSize(2);
    assertThat(config.networks().get(0).rpcUrls().get(0)).endsWith("/v2/k");
  }

  @Test
  void unquotedAddressesStayAddressesAndDuplicateKeysAreRefused() throws Exception {
    FacilitatorConfig config =
        load(MINIMAL + "    assets: [0x0000000000000000000000000000000000000001]\n");
    assertThat(config.networks().get(0).assets())
        .containsExactly(EvmAddress.parse("0x0000000000000000000000000000000000000001"));
    assertThatThrownBy(() -> load("port: 1\nport: 2\n" + MINIMAL))
        .hasMessageContaining("not valid YAML")
        .hasMessageContaining("port");
  }

  @Test
  void jsonIsAcceptedToo() throws Exception {

    FacilitatorConfig config =
        load(
            "{\"port\": 9000, \"networks\": [{\"network\": \"eip155:84532\","
                + " \"rpcUrls\": [\"http://127.0.0.1:8545\"], \"signers\": [{\"env\": \"K\"}]}]}");
    assertThat(config.port()).isEqualTo(9000);
  }

  /** A library caller's huge ttl would have made every catalog read fail (now - ttl overflows). */
  @Test
  void theDiscoveryTtlIsBoundedForLibraryCallersToo() {
    assertThat(DiscoveryCatalog.Settings.DEFAULT.withTtl(Duration.ofDays(3650)).ttl())
        .isEqualTo(Duration.ofDays(3650));
    assertThatThrownBy(
            () -> DiscoveryCatalog.Settings.DEFAULT.withTtl(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discovery ttl");
    assertThatThrownBy(() -> DiscoveryCatalog.Settings.DEFAULT.withTtl(Duration.ofDays(3651)))
        .hasMessageContaining("3650 days");
  }

  @Test
  void theDiscoveryAnswerWaitIsReadAndBounded() throws Exception {
    assertThat(load(MINIMAL).discovery().answerWait()).isEqualTo(Duration.ofMillis(100));
    assertThat(load("discovery: {answerWait: 250ms}\n" + MINIMAL).discovery().answerWait())
        .isEqualTo(Duration.ofMillis(250));
    assertThat(load("discovery: {answerWait: 0ms}\n" + MINIMAL).discovery().answerWait()).isZero();
    assertThatThrownBy(() -> load("discovery: {answerWait: 31s}\n" + MINIMAL))
        .hasMessageContaining("discovery.answerWait");
    assertThatThrownBy(() -> load("discovery: {answerWait: soon}\n" + MINIMAL))
        .hasMessageContaining("discovery.answerWait");
    assertThatThrownBy(
            () -> DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofMillis(-1)))
        .hasMessageContaining("answerWait");
    assertThatThrownBy(
            () -> DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofMinutes(1)))
        .hasMessageContaining("answerWait");
  }

  @Test
  void mistakesNameTheSetting() {
    assertThatThrownBy(() -> load("prot: 1\n" + MINIMAL))
        .hasMessageContaining("unknown setting prot");
    assertThatThrownBy(() -> load("host: h\n"))
        .hasMessageContaining("networks: list at least one network");
    assertThatThrownBy(() -> load(MINIMAL.replace("eip155:84532", "eip155:x")))
        .hasMessageContaining("networks[0].network");
    assertThatThrownBy(() -> load(MINIMAL + "    rpcurls: [x]\n"))
        .hasMessageContaining("unknown setting networks[0].rpcurls");
    assertThatThrownBy(() -> load(MINIMAL.replace("    rpcUrls: [https://sepolia.base.org]\n", "")))
        .hasMessageContaining("needs at least one rpcUrl");
    assertThatThrownBy(() -> load(MINIMAL.replace("{env: GAS_KEYS}", "{keystore: k.json}")))
        .hasMessageContaining("networks[0].signers[0]")
        .hasMessageContaining("passwordEnv");
    assertThatThrownBy(() -> load(MINIMAL.replace("{env: GAS_KEYS}", "{key: 0x01}")))
        .hasMessageContaining("unknown setting networks[0].signers[0].key");
    assertThatThrownBy(() -> load("claimLease: 30 seconds\n" + MINIMAL))
        .hasMessageContaining("claimLease must be a duration");
    assertThatThrownBy(() -> load("port: eighty\n" + MINIMAL))
        .hasMessageContaining("port must be a whole number");
    assertThatThrownBy(() -> load("port: 70000\n" + MINIMAL)).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> load("rateLimits: {settlesPerSecond: -1}\n" + MINIMAL))
        .hasMessageContaining("settlesPerSecond must be a non-negative number");
    assertThatThrownBy(() -> load("rateLimits: {verifiesPerMinute: 5}\n" + MINIMAL))
        .hasMessageContaining("unknown setting rateLimits.verifiesPerMinute");
    assertThatThrownBy(() -> load("revertBan: {after: 3, during: 1h}\n" + MINIMAL))
        .hasMessageContaining("unknown setting revertBan.during");
    assertThatThrownBy(() -> load("revertBan: {after: -1}\n" + MINIMAL))
        .hasMessageContaining("revertBan.after");
    assertThatThrownBy(() -> load("revertBan: {for: 0s}\n" + MINIMAL))
        .hasMessageContaining("revertBan.for must be a positive duration");
    assertThat(assertLoads("revertBan: {after: 0}\n" + MINIMAL).revertBan().enabled()).isFalse();
    assertThatThrownBy(() -> load(MINIMAL + "    maxFeePerGasGwei: 0.0000000001\n"))
        .hasMessageContaining("maxFeePerGasGwei");
    // Refused without writing out a billion digits, and negative fees are no fees.
    assertThatThrownBy(() -> load(MINIMAL + "    maxFeePerGasGwei: 1e999999999\n"))
        .hasMessageContaining("maxFeePerGasGwei must be a number of gwei");
    assertThatThrownBy(() -> load(MINIMAL + "    maxFeePerGasGwei: -1\n"))
        .hasMessageContaining("maxFeePerGasGwei must be a number of gwei");

    assertThatThrownBy(() -> load(MINIMAL + "    gasLimitCap: lots\n"))
        .hasMessageContaining("gasLimitCap must be a whole number");
    assertThatThrownBy(() -> load(MINIMAL + "    rpcBatchSize: many\n"))
        .hasMessageContaining("rpcBatchSize must be a whole number");
    assertThatThrownBy(() -> load(MINIMAL + "    rpcBatchSize: 0\n"))
        .hasMessageContaining("rpcBatchSize must be a whole number in 1..1000");

    assertThatThrownBy(() -> load(MINIMAL + "    assets: [\"0x1234\"]\n"))
        .hasMessageContaining("networks[0].assets");
    assertThatThrownBy(() -> load(MINIMAL + MINIMAL.substring("networks:\n".length())))
        .hasMessageContaining("configured twice");
    assertThatThrownBy(() -> load("networks: [\n"))
        .hasMessageContaining("is not valid YAML")
        .hasMessageContaining("line");
    assertThatThrownBy(() -> load("- just\n- a list\n")).hasMessageContaining("must be a mapping");
  }

  @Test
  void numbersBeyondAnIntAreRefusedNotWrapped() {
    // Issue 14: 4294971318 is 2^32 + 4022, and an (int) cast listened on port 4022.
    assertThatThrownBy(() -> load("port: 4294971318\n" + MINIMAL))
        .hasMessage("port must be a whole number in 0..65535, got '4294971318'");
    // 2^32 + 1024 would have wrapped to a 1 KiB body limit.
    assertThatThrownBy(() -> load("maxBodyBytes: 4294968320\n" + MINIMAL))
        .hasMessageStartingWith("maxBodyBytes must be a whole number")
        .hasMessageContaining("'4294968320'");
    assertThatThrownBy(() -> load(MINIMAL + "    rpcBatchSize: 4294967297\n"))
        .hasMessageContaining("networks[0].rpcBatchSize must be a whole number in 1..1000");
  }

  @Test
  void aDurationTooLongForItsUnitIsNamedNotAStackTrace() {
    assertThatThrownBy(() -> load("claimLease: 99999999999999999999h\n" + MINIMAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("claimLease must be a duration");
    assertThatThrownBy(() -> load("reconcileInterval: 999999999999999999h\n" + MINIMAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("reconcileInterval must be a positive duration of at most");
  }

  @Test
  void misspeltOrMisshapenSettingsAreRefusedNotIgnored() {
    // A misspelt key under auth turned authentication off without a word.
    assertThatThrownBy(() -> load("auth: {bearerTokenENV: API_TOKEN}\n" + MINIMAL))
        .hasMessageContaining("unknown setting auth.bearerTokenENV");
    // A single asset instead of a list accepted the network's default USDC instead.
    assertThatThrownBy(
            () -> load(MINIMAL + "    assets: 0x0000000000000000000000000000000000000001\n"))
        .hasMessageStartingWith("networks[0].assets must be a list");
    assertThatThrownBy(() -> load(MINIMAL.replace("[https://sepolia.base.org]", "https://x")))
        .hasMessageStartingWith("networks[0].rpcUrls must be a list");
    assertThatThrownBy(() -> load(MINIMAL + "    gasLimitCap: 1000\n"))
        .hasMessageContaining("networks[0].gasLimitCap must be a whole number of at least 21000");
    assertThatThrownBy(() -> load(MINIMAL + "    receiptTimeout: 0s\n"))
        .hasMessageContaining("networks[0].receiptTimeout must be a positive duration");
  }

  @Test
  void anUnsetVariableIsNamedButItsNeighboursAreNotPrinted() {
    assertThatThrownBy(
            () ->
                load(
                    MINIMAL.replace(
                        "https://sepolia.base.org", "https://x/${ALCHEMY_KEY}/${MISSING}")))
        .hasMessageContaining("MISSING")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void theBuilderHasTheFileDefaultsAndValidatesToo() throws Exception {
    NetworkSettings network =
        NetworkSettings.builder(Network.parse("eip155:84532"))
            .rpcUrl("https://sepolia.base.org")
            .signersFromEnv("GAS_KEYS")
            .build();

    assertThat(FacilitatorConfig.builder().network(network).build()).isEqualTo(load(MINIMAL));
    assertThat(network.toBuilder().build()).isEqualTo(network);
    assertThatThrownBy(() -> FacilitatorConfig.builder().build())
        .hasMessageContaining("at least one network");
    assertThatThrownBy(
            () ->
                FacilitatorConfig.builder()
                    .network(network)
                    .settleRateLimits(Double.NaN, 0)
                    .build())
        .hasMessageContaining("rate limits");
    assertThatThrownBy(
            () -> FacilitatorConfig.builder().network(network).claimLease(Duration.ZERO).build())
        .hasMessageContaining("claimLease");
    assertThatThrownBy(() -> FacilitatorConfig.builder().network(network).maxBodyBytes(10).build())
        .hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> NetworkSettings.builder(Network.parse("eip155:1")).rpcUrl("x").build())
        .hasMessageContaining("signer");
  }

  @Test
  void aMissingFileIsAnIoError() {

    assertThatThrownBy(() -> FacilitatorConfig.load(dir.resolve("absent.yaml"), ENV))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("absent.yaml");
  }
}
