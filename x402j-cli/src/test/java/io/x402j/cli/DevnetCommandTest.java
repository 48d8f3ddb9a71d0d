package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.devnet.DevnetOptions;
import io.x402j.devnet.SolanaDevnetOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parses command lines without running anything. */
class DevnetCommandTest {
  private static DevnetCommand parse(String... args) {
    CommandLine cli = X402j.commandLine();
    CommandLine.ParseResult result = cli.parseArgs(args);
    return (DevnetCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaults() {
    DevnetOptions options = parse("devnet").options();
    assertThat(options.port()).isZero();
    assertThat(options.blockTime()).isNull();
    assertThat(options.chainId()).isEqualTo(31337);
    assertThat(options.mirrorBaseSepolia()).isFalse();
  }

  @Test
  void portBlockTimeAndMirror() {
    DevnetOptions options =
        parse("devnet", "--port", "8545", "--block-time", "0.5", "--mirror-base-sepolia").options();
    assertThat(options.port()).isEqualTo(8545);
    assertThat(options.blockTime()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.chainId()).isEqualTo(84532);
    assertThat(options.tokenName()).isEqualTo("USDC");
    assertThat(options.tokenVersion()).isEqualTo("2");
  }

  @Test
  void badValuesAreRefusedWithTheirName() {
    assertThatThrownBy(() -> parse("devnet", "--port", "abc"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--port");
    assertThatThrownBy(() -> parse("devnet", "--block-time", "0").options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--block-time");
    assertThatThrownBy(() -> parse("devnet", "--port", "70000").options())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> parse("devnet", "--frobnicate"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
  }

  @Test
  void solanaTakesPortAndSlotTime() {
    DevnetCommand command = parse("devnet", "--solana", "--port", "8899", "--slot-ms", "0");
    assertThat(command.solana).isTrue();
    SolanaDevnetOptions options = command.solanaOptions();
    assertThat(options.port()).isEqualTo(8899);
    assertThat(options.slotInterval()).isEqualTo(Duration.ZERO);
    assertThat(parse("devnet", "--solana").solanaOptions().slotInterval())
        .isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void evmOnlyFlagsAreRefusedWithSolanaAndTheOtherWayRound() {
    assertThatThrownBy(() -> parse("devnet", "--solana", "--mirror-base-sepolia").solanaOptions())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--solana");
    assertThatThrownBy(() -> parse("devnet", "--solana", "--slot-ms", "-1").solanaOptions())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--slot-ms");
    assertThatThrownBy(() -> parse("devnet", "--slot-ms", "100").options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--solana");
  }
}
