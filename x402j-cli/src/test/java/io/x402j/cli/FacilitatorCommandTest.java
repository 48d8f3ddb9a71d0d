package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.facilitator.RevertBan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Turns command lines into configurations without starting anything. */
class FacilitatorCommandTest {
  private static FacilitatorCommand parse(String... args) {
    CommandLine.ParseResult result = X402j.commandLine().parseArgs(args);
    return (FacilitatorCommand) result.subcommand().commandSpec().userObject();
  }

  private static FacilitatorConfig config(String... args) throws Exception {
    return parse(args).config(Map.of("RPC_KEY", "k3y"));
  }

  @Test
  void discoveryWaitIsAFlagWithBounds() throws Exception {
    String[] base = {"facilitator", "--network", "eip155:84532", "--rpc-url", "http://x"};
    assertThat(config(base).discovery().answerWait()).isEqualTo(Duration.ofMillis(100));
    String[] longer = java.util.Arrays.copyOf(base, base.length + 2);
    longer[base.length] = "--discovery-wait";
    longer[base.length + 1] = "2s";
    assertThat(config(longer).discovery().answerWait()).isEqualTo(Duration.ofSeconds(2));
    for (String bad : List.of("31s", "-1s", "later")) {
      longer[base.length + 1] = bad;
      assertThatThrownBy(() -> config(longer))
          .as(bad)
          .isInstanceOf(CommandLine.ParameterException.class)
          .hasMessageContaining("--discovery-wait");
    }
  }

  @Test
  void oneNetworkFromFlagsWithDefaults() throws Exception {
    FacilitatorConfig config =
        config("facilitator", "--network", "eip155:84532", "--rpc-url", "http://127.0.0.1:8545");
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(4022);
    assertThat(config.database()).isEqualTo("jdbc:sqlite:x402j-ledger.db");
    assertThat(config.bearerTokenEnv()).isNull();
    assertThat(config.settlesPerSecond()).isZero();
    assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(30));
    NetworkSettings network = config.networks().get(0);
    assertThat(network.network()).isEqualTo(Network.parse("eip155:84532"));
    assertThat(network.signers())
        .singleElement()
        .satisfies(s -> assertThat(s.env()).isEqualTo("X402J_SIGNER_KEYS"));
    assertThat(network.assets()).isEmpty();
    assertThat(network.maxFeePerGasWei()).isNull();
    assertThat(network.v1Name()).isNull();
  }

  @Test
  void builderCodesFromFlagsAndInvalidOnesRefused() throws Exception {
    FacilitatorConfig config =
        config(
            "facilitator",
            "--network",
            "eip155:84532",
            "--rpc-url",
            "http://127.0.0.1:8545",
            "--builder-code",
            "bc_fac",
            "--builder-service-code",
            "fac_svc");
    assertThat(config.builderCode()).isEqualTo("bc_fac");
    assertThat(config.builderServiceCode()).isEqualTo("fac_svc");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    "--network",
                    "eip155:84532",
                    "--rpc-url",
                    "http://127.0.0.1:8545",
                    "--builder-code",
                    "Bad-Code"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'Bad-Code'");
  }

  @Test
  void aSolanaNetworkFromFlagsTakesItsMint() throws Exception {
    FacilitatorConfig config =
        config(
            "facilitator",
            "--network",
            "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
            "--rpc-url",
            "http://127.0.0.1:8899",
            "--asset",
            "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
            "--port",
            "0",
            "--db",
            "jdbc:sqlite:solana.db");
    NetworkSettings network = config.networks().get(0);
    assertThat(network.network())
        .isEqualTo(Network.parse("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"));
    assertThat(network.mints()).containsExactly("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    assertThat(network.assets()).isEmpty();
    assertThat(network.signers().get(0).env()).isEqualTo("X402J_SIGNER_KEYS");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    "--network",
                    "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
                    "--rpc-url",
                    "http://127.0.0.1:8899",
                    "--asset",
                    "0x036CbD53842c5426634e7929541eC2318f3dCF7e"))
        .hasMessageContaining("--asset");
  }

  @Test
  void everyFlagReachesTheConfiguration() throws Exception {
    FacilitatorConfig config =
        config(
            "facilitator",
            "--network",
            "eip155:31337",
            "--rpc-url",
            "https://rpc.example/${RPC_KEY}",
            "--rpc-url",
            "http://127.0.0.1:8545",
            "--asset",
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--db",
            "jdbc:postgresql://db/x402j",
            "--signer-keys-env",
            "GAS_KEYS",
            "--v1-name",
            "my-devnet",
            "--block-time",
            "1s",
            "--receipt-timeout",
            "20s",
            "--poll-interval",
            "250ms",
            "--max-fee-gwei",
            "1.5",
            "--gas-limit-cap",
            "120000",
            "--eip6492-allowed-factory",
            "0x6492000000000000000000000000000000006492",
            "--rpc-batch-size",
            "20",
            "--auth-token-env",
            "API_TOKEN",
            "--settle-rate",
            "50",
            "--settle-rate-per-payer",
            "10",
            "--verify-rate",
            "500",
            "--verify-rate-per-payer",
            "120",
            "--revert-ban",
            "2,30m,12h",
            "--denylist",
            "deny.txt",
            "--claim-lease",
            "3s");
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isZero();
    assertThat(config.database()).isEqualTo("jdbc:postgresql://db/x402j");
    assertThat(config.bearerTokenEnv()).isEqualTo("API_TOKEN");
    assertThat(config.settlesPerSecond()).isEqualTo(50);
    assertThat(config.settlesPerPayerPerMinute()).isEqualTo(10);
    assertThat(config.verifiesPerSecond()).isEqualTo(500);
    assertThat(config.verifiesPerPayerPerMinute()).isEqualTo(120);
    assertThat(config.revertBan())
        .isEqualTo(new RevertBan.Policy(2, Duration.ofMinutes(30), Duration.ofHours(12)));
    assertThat(config.denylist()).isEqualTo(Path.of("deny.txt"));
    assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(3));
    NetworkSettings network = config.networks().get(0);
    assertThat(network.rpcUrls())
        .containsExactly("https://rpc.example/k3y", "http://127.0.0.1:8545");
    assertThat(network.assets())
        .containsExactly(EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e"));
    assertThat(network.signers().get(0).env()).isEqualTo("GAS_KEYS");
    assertThat(network.v1Name()).isEqualTo("my-devnet");
    assertThat(network.blockTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(network.receiptTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(network.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(network.maxFeePerGasWei()).isEqualTo(BigInteger.valueOf(1_500_000_000L));
    assertThat(network.gasLimitCap()).isEqualTo(120_000L);
    assertThat(network.eip6492AllowedFactories())
        .containsExactly(EvmAddress.parse("0x6492000000000000000000000000000000006492"));
    assertThat(network.rpcBatchSize()).isEqualTo(20);
  }

  @Test
  void aConfigFileIsReadWithTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "port: 5000",
            "claimLease: 10s",
            "networks:",
            "  - network: eip155:84532",
            "    rpcUrls: [\"https://rpc.example/${RPC_KEY}\"]",
            "    signers: [{env: GAS_KEYS}]",
            ""));
    FacilitatorConfig config = config("facilitator", "--config", file.toString());
    assertThat(config.port()).isEqualTo(5000);
    assertThat(config.claimLease()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.networks().get(0).rpcUrls()).containsExactly("https://rpc.example/k3y");
  }

  @Test
  void mistakesNameTheFlag() {
    assertThatThrownBy(() -> config("facilitator", "--rpc-url", "http://x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--network");
    assertThatThrownBy(() -> config("facilitator", "--network", "eip155:84532"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--rpc-url");
    assertThatThrownBy(
            () -> config("facilitator", "--config", "f.yaml", "--network", "eip155:84532"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--config cannot be combined");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    "--network",
                    "eip155:1",
                    "--rpc-url",
                    "x",
                    "--claim-lease",
                    "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--claim-lease");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    "--network",
                    "eip155:1",
                    "--rpc-url",
                    "x",
                    "--max-fee-gwei",
                    "0.0000000001"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--max-fee-gwei");
    assertThatThrownBy(
            () ->
                config("facilitator", "--network", "eip155:1", "--rpc-url", "x", "--asset", "0x12"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("0x12");
    assertThatThrownBy(() -> config("facilitator", "--network", "solana", "--rpc-url", "x"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("solana");
    assertThatThrownBy(
            () -> config("facilitator", "--network", "eip155:1", "--rpc-url", "https://x/${NOPE}"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("NOPE");
    assertThatThrownBy(
            () ->
                config("facilitator", "--network", "eip155:1", "--rpc-url", "x", "--port", "many"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--port");
  }

  @Test
  void maxFeeGweiFromAFlagAndFromAFileIsRefusedByTheSameCheck(@TempDir Path dir) throws Exception {
    // Issue 14: the flag said "has more than 9 decimals", by another check than the file's.
    Throwable fromFlag =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                config(
                    "facilitator",
                    "--network",
                    "eip155:1",
                    "--rpc-url",
                    "x",
                    "--max-fee-gwei",
                    "1e999999999"));
    Path file = dir.resolve("facilitator.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "networks:",
            "  - network: eip155:1",
            "    rpcUrls: [http://127.0.0.1:8545]",
            "    signers: [{env: GAS_KEYS}]",
            "    maxFeePerGasGwei: 1e999999999",
            ""));
    Throwable fromFile =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> config("facilitator", "--config", file.toString()));

    assertThat(fromFlag)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "--max-fee-gwei must be a number of gwei with at most 9 decimals, got '1e999999999'");
    assertThat(fromFile)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "networks[0].maxFeePerGasGwei must be a number of gwei with at most 9 decimals,"
                + " got '1e999999999'");
  }

  @Test
  void flagsAndTheFileShareTheirRules(@TempDir Path dir) throws Exception {
    String[] base = {"facilitator", "--network", "eip155:1", "--rpc-url", "x"};
    assertThatThrownBy(() -> config(with(base, "--port", "4294971318")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--port must be a whole number in 0..65535, got '4294971318'");
    assertThatThrownBy(() -> config(with(base, "--settle-rate", "-1")))
        .hasMessage("--settle-rate must be a non-negative number, got '-1'");
    assertThatThrownBy(() -> config(with(base, "--verify-rate", "NaN")))
        .hasMessage("--verify-rate must be a non-negative number, got 'NaN'");
    assertThatThrownBy(() -> config(with(base, "--rpc-batch-size", "0")))
        .hasMessage("--rpc-batch-size must be a whole number in 1..1000, got '0'");
    assertThatThrownBy(() -> config(with(base, "--gas-limit-cap", "1000")))
        .hasMessage("--gas-limit-cap must be a whole number of at least 21000, got '1000'");
    assertThatThrownBy(() -> config(with(base, "--receipt-timeout", "0s")))
        .hasMessageStartingWith("--receipt-timeout must be a positive duration");
    assertThatThrownBy(() -> config(with(base, "--revert-ban", "3,0s,1h")))
        .hasMessageStartingWith("--revert-ban WITHIN must be a positive duration");
    assertThatThrownBy(() -> config(with(base, "--claim-lease", "99999999999999999999h")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--claim-lease must be a duration");
  }

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void keysAreNeverFlags() {
    assertThatThrownBy(() -> parse("facilitator", "--private-key", "0x01"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    StringWriter help = new StringWriter();
    X402j.commandLine().getSubcommands().get("facilitator").usage(new PrintWriter(help));
    assertThat(help.toString()).contains("--signer-keys-env").doesNotContain("--private-key");
  }

  @Test
  void aMissingConfigFileExitsWithItsName(@TempDir Path dir) {
    StringWriter err = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("facilitator", "--config", dir.resolve("absent.yaml").toString());
    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("no such file").contains("absent.yaml");
  }

  @Test
  void theUsageListsTheFlags() {
    StringWriter help = new StringWriter();
    X402j.commandLine().getSubcommands().get("facilitator").usage(new PrintWriter(help));
    assertThat(help.toString())
        .contains(List.of("--network", "--rpc-url", "--db", "--claim-lease", "--denylist"));
  }

  @Test
  void theConsoleFlags(@TempDir Path dir) throws Exception {
    String[] network = {"--network", "eip155:84532", "--rpc-url", "http://127.0.0.1:8545"};
    assertThat(config("facilitator", network[0], network[1], network[2], network[3]).admin())
        .isNull();
    FacilitatorConfig config =
        config(
            "facilitator",
            network[0],
            network[1],
            network[2],
            network[3],
            "--admin-port",
            "4023",
            "--admin-bind",
            "0.0.0.0",
            "--admin-password-env",
            "CONSOLE_PW",
            "--admin-low-balance",
            "solana=0.25");
    assertThat(config.admin().port()).isEqualTo(4023);
    assertThat(config.admin().bind()).isEqualTo("0.0.0.0");
    assertThat(config.admin().passwordEnv()).isEqualTo("CONSOLE_PW");
    assertThat(config.admin().lowBalance())
        .containsEntry("solana", new java.math.BigDecimal("0.25"))
        .containsEntry("eip155", new java.math.BigDecimal("0.01"));

    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    network[0],
                    network[1],
                    network[2],
                    network[3],
                    "--admin-bind",
                    "0.0.0.0"))
        .hasMessageContaining("--admin-port");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    network[0],
                    network[1],
                    network[2],
                    network[3],
                    "--admin-port",
                    "1",
                    "--admin-low-balance",
                    "btc=1"))
        .hasMessageContaining("--admin-low-balance");
    assertThatThrownBy(
            () ->
                config(
                    "facilitator",
                    network[0],
                    network[1],
                    network[2],
                    network[3],
                    "--admin-port",
                    "70000"))
        .hasMessageContaining("--admin-port");

    // Over a file: the flags win, the file's other console settings stay.
    Path file = dir.resolve("f.yaml");
    Files.writeString(
        file,
        "admin: {port: 9000, passwordEnv: FILE_PW}\n"
            + "networks:\n  - network: eip155:84532\n    rpcUrls: [http://127.0.0.1:8545]\n"
            + "    signers: [{env: GAS}]\n");
    FacilitatorConfig merged =
        config("facilitator", "--config", file.toString(), "--admin-port", "9001");
    assertThat(merged.admin().port()).isEqualTo(9001);
    assertThat(merged.admin().passwordEnv()).isEqualTo("FILE_PW");
  }
}
