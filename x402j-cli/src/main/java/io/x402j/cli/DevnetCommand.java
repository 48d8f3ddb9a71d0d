package io.x402j.cli;

import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
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

  /** The immutable options these flags describe. */
  DevnetOptions options() {
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
}
