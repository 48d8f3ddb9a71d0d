package io.x402j.cli;

import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.devnet.SolanaDevnetOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code x402j devnet}: a local chain with a test dollar, until interrupted. */
@Command(
    name = "devnet",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local EVM chain (anvil) on 127.0.0.1 with an EIP-3009 test dollar deployed and"
          + " accounts funded, prints one line of JSON describing it, and runs until interrupted.",
      "With --solana, starts a local Solana runtime instead: the real SVM (npm litesvm) behind a"
          + " Solana JSON-RPC endpoint, with a 6-decimal mint at the Solana devnet USDC address,"
          + " the buyer funded and the facilitator holding SOL (network"
          + " solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1).",
      "The printed keys are public devnet keys: never use them elsewhere."
    })
final class DevnetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "JSON-RPC port on 127.0.0.1 (default: a free port).")
  int port;

  @Option(
      names = "--solana",
      description =
          "Start a local Solana runtime instead of an EVM chain (needs Node.js and npm; installs"
              + " its pinned npm packages once).")
  boolean solana;

  @Option(
      names = "--slot-ms",
      paramLabel = "MS",
      description =
          "With --solana: make a block every MS milliseconds besides one per transaction"
              + " (default 400; 0: only transactions make blocks).")
  Long slotMillis;

  @Option(
      names = "--block-time",
      paramLabel = "SECONDS",
      description = "Mine a block every SECONDS instead of one per transaction.")
  Double blockTimeSeconds;

  @Option(
      names = "--mirror-base-sepolia",
      description =
          "Use chain ID 84532 and put the token at the Base Sepolia USDC address (name USDC,"
              + " version 2), so requirements look exactly like production ones.")
  boolean mirrorBaseSepolia;

  @Option(
      names = "--write-networks",
      paramLabel = "FILE",
      description =
          "Also write the chain and its token as a networks file, for x402j pay and inspect"
              + " --networks FILE (or X402J_NETWORKS=FILE): they then show prices in test dollars"
              + " and accept --max '$0.01'.")
  Path writeNetworks;

  /**
   * The options of the Solana runtime these flags describe.
   *
   * @throws ParameterException when an EVM-only flag is given with {@code --solana}
   */
  SolanaDevnetOptions solanaOptions() {
    if (blockTimeSeconds != null || mirrorBaseSepolia || writeNetworks != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--block-time, --mirror-base-sepolia and --write-networks are for the EVM devnet;"
              + " with --solana use --port and --slot-ms");
    }
    SolanaDevnetOptions.Builder b = SolanaDevnetOptions.builder().port(port);
    if (slotMillis != null) {
      if (slotMillis < 0 || slotMillis > 3_600_000) {
        throw new ParameterException(
            spec.commandLine(), "--slot-ms must be between 0 and 3600000, got " + slotMillis);
      }
      b.slotInterval(Duration.ofMillis(slotMillis));
    }
    return b.build();
  }

  /** The immutable options these flags describe. */
  DevnetOptions options() {
    if (slotMillis != null) {
      throw new ParameterException(spec.commandLine(), "--slot-ms needs --solana");
    }
    DevnetOptions.Builder b =
        DevnetOptions.builder().port(port).mirrorBaseSepolia(mirrorBaseSepolia);
    if (blockTimeSeconds != null) {
      if (!(blockTimeSeconds > 0) || blockTimeSeconds > 3600) {
        throw new ParameterException(
            spec.commandLine(),
            "--block-time must be between 0 and 3600 seconds, got " + blockTimeSeconds);
      }
      b.blockTime(Duration.ofMillis(Math.round(blockTimeSeconds * 1000)));
    }
    return b.build();
  }

  /** The devnet's chain, token and node as an entry of a networks file. */
  static NetworksFile.Entry entry(DevnetInfo info) {
    return NetworksFile.Entry.of(info.networkInfo(), URI.create(info.rpcUrl()));
  }

  @Override
  public Integer call() throws Exception {
    if (solana) {
      return runSolana();
    }
    DevnetOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    Devnet devnet = Devnet.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  devnet.close();
                  stopped.countDown();
                },
                "x402j-devnet-stop"));
    if (writeNetworks != null) {
      NetworksFile.write(writeNetworks, List.of(entry(devnet.info())));
    }
    out.println(devnet.info().toJson());
    out.flush();
    if (writeNetworks != null) {
      System.err.println(
          "networks file written to "
              + writeNetworks
              + "; use it with: x402j pay --networks "
              + writeNetworks
              + " …");
    }
    System.err.println("devnet running at " + devnet.info().rpcUrl() + "; press Ctrl-C to stop");
    stopped.await();
    return 0;
  }

  private int runSolana() throws Exception {
    SolanaDevnetOptions options = solanaOptions();
    PrintWriter out = spec.commandLine().getOut();
    SolanaDevnet devnet = SolanaDevnet.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopped.countDown(); // first: the runtime's end is expected from here on
                  devnet.close();
                },
                "x402j-solana-devnet-stop"));
    // Should the runtime end on its own, so does the command (with its error output).
    CountDownLatch ended = new CountDownLatch(1);
    ProcessHandle.of(devnet.processId()).ifPresent(p -> p.onExit().thenRun(ended::countDown));
    out.println(devnet.info().toJson());
    out.flush();
    System.err.println(
        "Solana devnet running at " + devnet.info().rpcUrl() + "; press Ctrl-C to stop");
    ended.await();
    if (stopped.getCount() > 0) {
      System.err.println("the Solana devnet stopped unexpectedly:\n" + devnet.log());
      return 1;
    }
    return 0;
  }
}
