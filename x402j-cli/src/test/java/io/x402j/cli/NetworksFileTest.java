package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.client.PlannedPayment;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.PaymentRequirements;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The networks file and the options of {@code pay} and {@code inspect} that read it. */
class NetworksFileTest {
  static final String TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  static final String DEVNET_YAML =
      """
      networks:
        - network: eip155:31337
          name: x402j devnet (chain 31337)
          v1Name: x402j-devnet
          testnet: true
          rpcUrl: http://127.0.0.1:8545
          assets:
            - address: 0x5fbdb2315678afecb367f032d93f642f64180aa3   # unquoted: still an address
              symbol: TUSD
              decimals: 6
              eip712Name: Test Dollar
              eip712Version: "1"
              usdStablecoin: true
      """;

  static Path file(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /** Reads a networks file with no environment. */
  static List<NetworksFile.Entry> read(Path file) throws Exception {
    return NetworksFile.read(file, Map.of());
  }

  static PlannedPayment offer(NetworkRegistry networks, long chainId, String asset, long atomic) {
    PaymentRequirements r =
        PaymentRequirements.builder()
            .network(Network.evm(chainId))
            .amount(TokenAmount.of(atomic))
            .asset(asset)
            .payTo(SELLER)
            .build();
    return new PlannedPayment(
        2,
        URI.create("http://127.0.0.1/weather"),
        "127.0.0.1",
        r,
        null,
        networks.findAsset(r.network(), r.asset()).orElse(null));
  }

  @Test
  void aYamlFileNamesTheDevnetAndItsTestDollar(@TempDir Path dir) throws Exception {
    List<NetworksFile.Entry> entries = read(file(dir, "n.yaml", DEVNET_YAML));

    NetworkRegistry networks = KnownNetworks.of(entries, List.of()).registry();
    NetworkInfo devnet = networks.find(Network.evm(31337)).orElseThrow();
    assertThat(devnet.displayName()).isEqualTo("x402j devnet (chain 31337)");
    assertThat(devnet.testnet()).isTrue();
    assertThat(networks.resolve("x402j-devnet")).isEqualTo(Network.evm(31337));
    assertThat(devnet.defaultAsset())
        .hasValue(Asset.usdStablecoin(TOKEN, "TUSD", 6, "Test Dollar", "1"));
    assertThat(entries.get(0).rpcUrl()).isEqualTo(URI.create("http://127.0.0.1:8545"));
    assertThat(networks.find(Network.evm(84532))).as("the built-in ones stay").isPresent();
  }

  @Test
  void whatTheDevnetWritesReadsBackAsJson(@TempDir Path dir) throws Exception {
    NetworksFile.Entry written =
        NetworksFile.Entry.of(
            NetworkInfo.builder(Network.evm(31337))
                .displayName("x402j devnet (chain 31337)")
                .v1Name("x402j-devnet")
                .testnet(true)
                .asset(Asset.usdStablecoin(TOKEN, "TUSD", 6, "Test Dollar", "1"))
                .build(),
            URI.create("http://127.0.0.1:8545"));
    Path file = dir.resolve("devnet.json");
    NetworksFile.write(file, List.of(written));

    assertThat(Files.readString(file)).startsWith("{");
    assertThat(read(file)).containsExactly(written);
  }

  @Test
  void aFileAddsATokenToAKnownNetworkAndKeepsTheRest(@TempDir Path dir) throws Exception {
    Path file =
        file(
            dir,
            "base.yml",
            """
            networks:
              - network: eip155:84532
                assets: [{address: "0x000000000000000000000000000000000000dEaD", symbol: EURC,
                          decimals: 6}]
            """);
    NetworkInfo sepolia =
        KnownNetworks.of(read(file), List.of()).registry().find(Network.evm(84532)).orElseThrow();
    assertThat(sepolia.displayName()).isEqualTo("Base Sepolia");
    assertThat(sepolia.assets()).extracting(Asset::symbol).containsExactly("EURC", "USDC");
    assertThat(sepolia.asset("EURC").orElseThrow().usdStablecoin())
        .as("a dollar only when said")
        .isFalse();
  }

  @Test
  void mistakesAreNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> read(file(dir, "a", "networks: [{network: eip155:1, rpc: x}]")))
        .hasMessageContaining("networks file")
        .hasMessageContaining("unknown setting networks[0].rpc")
        .hasMessageContaining("rpcUrl");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        dir,
                        "b",
                        "networks: [{network: eip155:1, assets: [{address: \""
                            + TOKEN
                            + "\", symbol: T, decimals: 6.5}]}]")))
        .hasMessageContaining("networks[0].assets[0].decimals must be a whole number in 0..77")
        .hasMessageContaining("'6.5'");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        dir,
                        "c",
                        "networks: [{network: eip155:1, assets: [{address: \"" + TOKEN + "\"}]}]")))
        .hasMessageContaining("networks[0].assets[0].symbol is required")
        .hasMessageContaining("rpcUrl");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        dir,
                        "d",
                        "networks: [{network: eip155:1, assets: [{address: 0x12, symbol: T,"
                            + " decimals: 6}]}]")))
        .hasMessageContaining("networks[0].assets[0].address");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        dir,
                        "e",
                        "networks: [{network: eip155:1, rpcUrl: \"ftp://secret-key@node\"}]")))
        .hasMessageContaining("networks[0].rpcUrl must be an http:// or https:// URL")
        .hasMessageNotContaining("secret-key");
    assertThatThrownBy(() -> read(file(dir, "f", "networks: [{name: x}]")))
        .hasMessageContaining("networks[0].network is required");
    assertThatThrownBy(() -> read(file(dir, "g", "networks: [{network: a, n: 1")))
        .hasMessageContaining("networks file")
        .hasMessageContaining("is not valid YAML");
    assertThatThrownBy(
            () -> read(file(dir, "h", "networks: [{network: eip155:1, testnet: maybe}]")))
        .hasMessageContaining("networks[0].testnet must be true or false");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        dir,
                        "i",
                        "networks: [{network: eip155:1, assets: [{address: \""
                            + TOKEN
                            + "\", symbol: \"\\e[31mUSD\", decimals: 6}]}]")))
        .hasMessageContaining("symbol")
        .hasMessageNotContaining("\u001b");
  }

  @Test
  void theReadmeExampleLoads(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String yaml = null;
    for (int start = readme.indexOf("```yaml\n");
        start >= 0;
        start = readme.indexOf("```yaml\n", start + 1)) {
      String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
      if (block.contains("networks:") && block.contains("usdStablecoin:")) {
        yaml = block.stripIndent();
        break;
      }
    }
    assertThat(yaml).as("the README has a networks file example").isNotNull();

    List<NetworksFile.Entry> entries = read(file(dir, "readme.yaml", yaml));

    assertThat(entries).extracting(NetworksFile.Entry::network).contains(Network.evm(31337));
  }

  @Test
  void theSharedReaderKeepsWhatTheFileOwnReaderDid(@TempDir Path dir) throws Exception {
    // JSON indented with tabs, which YAML alone refuses.
    Path json =
        file(
            dir,
            "tabs.json",
            "{\n\t\"networks\": [\n\t\t{\"network\": \"eip155:31337\", \"name\": \"tabbed\"}\n\t]\n}\n");
    assertThat(read(json)).extracting(NetworksFile.Entry::name).containsExactly("tabbed");
    assertThatThrownBy(
            () -> read(file(dir, "dup.yaml", "networks: [{network: eip155:1, name: a, name: b}]")))
        .hasMessageContaining("networks file")
        .hasMessageContaining("name");
    assertThatThrownBy(
            () -> read(file(dir, "hostile.yaml", "networks: [{network: eip155:1, \"\\e[2J\": 1}]")))
        .hasMessageContaining("unknown setting 'networks[0].\\u001b[2J'")
        .hasMessageNotContaining("\u001b");
    assertThatThrownBy(() -> read(file(dir, "none.yaml", "other: 1\n")))
        .hasMessageContaining("unknown setting other");
    assertThatThrownBy(() -> read(file(dir, "empty.json", "{}\n")))
        .hasMessageContaining("networks is required");
    assertThatThrownBy(
            () ->
                read(file(dir, "sol.yaml", "networks: [{network: 'solana:x', rpcUrl: http://n}]")))
        .hasMessageContaining("networks[0].rpcUrl: tokens are read over JSON-RPC on EVM");
  }

  @Test
  void anRpcUrlMayComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = file(dir, "n.yaml", "networks: [{network: eip155:1, rpcUrl: \"${NODE_URL}\"}]\n");
    assertThat(NetworksFile.read(file, Map.of("NODE_URL", "https://node.example/v2/key-123")))
        .extracting(NetworksFile.Entry::rpcUrl)
        .containsExactly(URI.create("https://node.example/v2/key-123"));
    assertThatThrownBy(() -> NetworksFile.read(file, Map.of("NODE_URL", "ftp://key-123@node")))
        .hasMessageContaining("networks[0].rpcUrl must be an http:// or https:// URL")
        .hasMessageNotContaining("key-123");
    assertThatThrownBy(() -> read(file))
        .hasMessageContaining("networks[0].rpcUrl refers to the environment variable NODE_URL");
  }

  static <T> T parse(Class<T> type, String... args) {
    return PayCommandTest.parse(type, args);
  }

  @Test
  void payAndInspectTakeANetworksFileAndNodes(@TempDir Path dir) throws Exception {
    Path file = file(dir, "devnet.yaml", DEVNET_YAML);
    PayCommand pay =
        parse(
            PayCommand.class,
            "pay",
            "--networks",
            file.toString(),
            "--rpc-url",
            "http://127.0.0.1:8545",
            "--rpc-url",
            "https://sepolia.base.org",
            "https://x");
    assertThat(pay.networkOptions.networksFile).isEqualTo(file);
    assertThat(pay.networkOptions.rpcUrls)
        .containsExactly("http://127.0.0.1:8545", "https://sepolia.base.org");
    assertThat(pay.networkOptions.load(Map.of()).canLearn()).isTrue();

    InspectCommand inspect =
        parse(InspectCommand.class, "inspect", "--networks", file.toString(), "https://x");
    assertThat(inspect.networkOptions.load(Map.of()).registry().find(Network.evm(31337)))
        .isPresent();
  }

  @Test
  void theEnvironmentNamesTheFileWhenNoOptionDoes(@TempDir Path dir) throws Exception {
    Path file = file(dir, "devnet.yaml", DEVNET_YAML);
    NetworkOptions none = parse(PayCommand.class, "pay", "https://x").networkOptions;
    assertThat(none.load(Map.of()).registry().find(Network.evm(31337))).isEmpty();
    assertThat(none.load(Map.of()).canLearn()).isFalse();
    assertThat(
            none.load(Map.of(NetworkOptions.NETWORKS_ENV, file.toString()))
                .registry()
                .find(Network.evm(31337)))
        .isPresent();
    assertThatThrownBy(
            () -> none.load(Map.of(NetworkOptions.NETWORKS_ENV, dir.resolve("gone").toString())))
        .hasMessageContaining("X402J_NETWORKS: no networks file");
    NetworkOptions typo =
        parse(PayCommand.class, "pay", "--networks", "eip155:1", "https://x").networkOptions;
    assertThatThrownBy(() -> typo.load(Map.of()))
        .hasMessageContaining("--networks: no networks file eip155:1")
        .hasMessageContaining("names a file");
    NetworkOptions badRpc =
        parse(PayCommand.class, "pay", "--rpc-url", "127.0.0.1:8545/key-123", "https://x")
            .networkOptions;
    assertThatThrownBy(() -> badRpc.load(Map.of()))
        .hasMessageContaining("--rpc-url must be an http:// or https:// URL")
        .hasMessageNotContaining("key-123");
  }

  @Test
  void aDollarCapPaysInATokenTheFileMarksAsADollar(@TempDir Path dir) throws Exception {
    PayCommand pay =
        parse(
            PayCommand.class,
            "pay",
            "--max",
            "$0.01",
            "--networks",
            file(dir, "devnet.yaml", DEVNET_YAML).toString(),
            "https://x");
    NetworkRegistry networks = pay.networkOptions.load(Map.of()).registry();
    var controls = pay.controls(networks);

    assertThat(controls.refusal(offer(networks, 31337, TOKEN, 10_000))).isEmpty();
    assertThat(controls.refusal(offer(networks, 31337, TOKEN, 10_001)))
        .hasValueSatisfying(r -> assertThat(r).contains("exceeds the maximum of $0.01"));
    NetworkRegistry builtIn = NetworkRegistry.defaults();
    assertThat(controls.refusal(offer(builtIn, 31337, TOKEN, 1)))
        .as("without the file the token is not a dollar")
        .hasValueSatisfying(r -> assertThat(r).contains("not a known USD stablecoin"));
    assertThat(
            parse(PayCommand.class, "pay", "--network", "x402j-devnet", "https://x")
                .controls(networks)
                .refusal(offer(networks, 31337, TOKEN, 1)))
        .as("v1 names from the file resolve")
        .isEmpty();
  }

  @Test
  void inspectShowsTheFilesNameAndDollars(@TempDir Path dir) throws Exception {
    NetworkRegistry networks =
        KnownNetworks.of(read(file(dir, "n.yaml", DEVNET_YAML)), List.of()).registry();
    String table =
        InspectCommand.table(
            "http://127.0.0.1/weather", List.of(offer(networks, 31337, TOKEN, 1000)), networks);
    assertThat(table)
        .contains("0.001 TUSD ($0.001)")
        .contains("x402j devnet (chain 31337) (eip155:31337)")
        .doesNotContain("unknown");

    KnownNetworks.Learned learned =
        KnownNetworks.of(List.of(), List.of())
            .learnTokens(List.of(offer(NetworkRegistry.defaults(), 31337, TOKEN, 1000)));
    assertThat(learned.notes())
        .singleElement()
        .satisfies(
            note ->
                assertThat(note)
                    .contains("token " + TOKEN + " on eip155:31337 is unknown")
                    .contains("--networks FILE")
                    .contains("x402j devnet --write-networks FILE")
                    .contains("--rpc-url URL"));
  }
}
