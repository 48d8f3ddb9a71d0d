package io.x402j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How {@code pay} and {@code inspect} learn networks and tokens the built-in registry does not
 * know: a networks file, and nodes to read tokens from their contracts.
 */
final class NetworkOptions {
  /** The environment variable naming a networks file when {@code --networks} is not given. */
  static final String NETWORKS_ENV = "X402J_NETWORKS";

  /** The environment variable naming an EVM node when {@code --rpc-url} is not given. */
  static final String RPC_URL_ENV = "X402J_RPC_URL";

  @Option(
      names = "--networks",
      paramLabel = "FILE",
      description = {
        "Networks and tokens to know besides the built-in ones (JSON or YAML), e.g. the file"
            + " `x402j devnet --write-networks FILE` writes. Default: the file named by "
            + NETWORKS_ENV
            + ", if set."
      })
  Path networksFile;

  @Option(
      names = "--rpc-url",
      paramLabel = "URL",
      description = {
        "A JSON-RPC node of an EVM chain: tokens on its chain that are not known are read from"
            + " their contracts (decimals, symbol). Never counts as a USD stablecoin. pay also"
            + " reads the payer's Permit2 allowance there. Repeat for more chains. Default: $"
            + RPC_URL_ENV
            + ", if set."
      })
  List<String> rpcUrls;

  /**
   * What is known with these options.
   *
   * @throws IOException if the networks file cannot be read
   * @throws IllegalArgumentException naming a bad file, setting or URL
   */
  KnownNetworks load(Map<String, String> env) throws IOException {
    Path file = networksFile;
    String from = "--networks";
    if (file == null && env.get(NETWORKS_ENV) != null && !env.get(NETWORKS_ENV).isBlank()) {
      file = Path.of(env.get(NETWORKS_ENV).strip());
      from = NETWORKS_ENV;
    }
    List<NetworksFile.Entry> entries = List.of();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            from
                + ": no networks file "
                + file
                + (from.equals("--networks") ? " (--networks names a file, not a network)" : ""));
      }
      entries = NetworksFile.read(file, env);
    }
    List<String> urls = new ArrayList<>();
    for (String url : rpcUrls == null ? List.<String>of() : rpcUrls) {
      urls.add(NetworksFile.RPC_URL.parse("--rpc-url", url).toString());
    }
    String fromEnv = env.get(RPC_URL_ENV);
    if (urls.isEmpty() && fromEnv != null && !fromEnv.isBlank()) {
      urls.add(NetworksFile.RPC_URL.parse(RPC_URL_ENV, fromEnv.strip()).toString());
    }
    return KnownNetworks.of(entries, urls);
  }
}
