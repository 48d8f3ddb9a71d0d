package io.x402j.devnet;

import io.x402j.evm.rpc.JsonRpcClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A local Solana runtime for demos and tests: the real SVM from the npm package {@code litesvm}
 * behind a JSON-RPC 2.0 endpoint on 127.0.0.1 that answers the standard methods a Solana client and
 * facilitator use, with a 6-decimal mint at the Solana devnet USDC address {@code
 * 4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU}, funded accounts and test controls ({@link
 * #controls()}). It runs as a Node script installed with npm into x402j's per-user cache (see
 * {@link NodeProject}); Node.js and npm must be installed.
 *
 * <p>Every landed transaction makes a block, and so does a clock every {@link
 * SolanaDevnetOptions#slotInterval()}; blockhashes stay valid for 150 blocks, as on a cluster. The
 * runtime ends when it is closed or when the JVM that started it ends, however it ends: it exits at
 * end-of-file on its standard input, which only this JVM holds.
 *
 * <pre>{@code
 * try (SolanaDevnet devnet = SolanaDevnet.start(SolanaDevnetOptions.defaults())) {
 *   SolanaDevnetInfo info = devnet.info();
 *   String buyerKey = info.requireAccount("buyer").privateKey();
 *   ...
 * }
 * }</pre>
 */
public final class SolanaDevnet implements AutoCloseable {
  /** The CAIP-2 network of Solana devnet, which the local runtime stands for. */
  public static final String NETWORK = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";

  /** The USDC mint address on Solana devnet, where the local runtime puts its mint. */
  public static final String USDC_DEVNET_MINT = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

  static final String SCRIPT = "solana-devnet.mjs";
  private static final List<String> FILES = List.of("package.json", "package-lock.json", SCRIPT);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  // Keeps running devnets reachable: the pipe to the runtime's stdin must not be closed by the
  // garbage collector while a caller has merely dropped its reference.
  private static final Set<SolanaDevnet> RUNNING = ConcurrentHashMap.newKeySet();

  private final NodeProject.Service service;
  private final SolanaDevnetInfo info;
  private final JsonRpcClient rpc;
  private final SolanaDevnetControls controls;

  private SolanaDevnet(NodeProject.Service service, SolanaDevnetInfo info) {
    this.service = service;
    this.info = info;
    this.rpc =
        JsonRpcClient.builder(info.rpcUrl()).timeout(Duration.ofSeconds(30)).maxAttempts(1).build();
    this.controls = new SolanaDevnetControls(rpc);
  }

  /** Starts a devnet with the default options. */
  public static SolanaDevnet start() throws IOException, InterruptedException {
    return start(SolanaDevnetOptions.defaults());
  }

  /**
   * Installs the Node project when needed (npm, once per version), starts the runtime and waits for
   * its JSON line.
   *
   * @throws IOException if Node.js or npm is missing, the installation fails or the runtime does
   *     not start; the message says which, with the runtime's error output
   */
  public static SolanaDevnet start(SolanaDevnetOptions options)
      throws IOException, InterruptedException {
    NodeProject project = installed();
    NodeProject.Service service =
        project.start(
            SCRIPT,
            Map.of(),
            START_TIMEOUT,
            "--port",
            Integer.toString(options.port()),
            "--slot-ms",
            Long.toString(options.slotInterval().toMillis()));
    try {
      SolanaDevnet devnet =
          new SolanaDevnet(service, SolanaDevnetInfo.parse(service.started().toString()));
      RUNNING.add(devnet);
      return devnet;
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
  }

  private static NodeProject installed;

  private static synchronized NodeProject installed() throws IOException, InterruptedException {
    if (installed == null || !Files.isRegularFile(installed.directory().resolve(SCRIPT))) {
      installed = install(System.getenv());
    }
    return installed;
  }

  /** The Node project of the runtime, installed into the cache of {@code env}. */
  static NodeProject install(Map<String, String> env) throws IOException, InterruptedException {
    Path source = Files.createTempDirectory("x402j-solana-devnet-");
    try {
      for (String file : FILES) {
        try (InputStream in = SolanaDevnet.class.getResourceAsStream("solana/" + file)) {
          if (in == null) {
            throw new IOException("the x402j-devnet jar lacks solana/" + file);
          }
          Files.copy(in, source.resolve(file));
        }
      }
      return NodeProject.install(source, env);
    } finally {
      try (Stream<Path> files = Files.walk(source)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Where the devnet is and what is on it. */
  public SolanaDevnetInfo info() {
    return info;
  }

  /** A JSON-RPC client for the devnet (standard Solana methods and the test controls). */
  public JsonRpcClient rpc() {
    return rpc;
  }

  /** Typed calls of the devnet's test controls and of a few reads tests need. */
  public SolanaDevnetControls controls() {
    return controls;
  }

  /** Whether the runtime still runs. */
  public boolean isRunning() {
    return service.isAlive();
  }

  /** The process id of the runtime's {@code node} process. */
  public long processId() {
    return service.pid();
  }

  /** What the runtime wrote to its error output so far. */
  public String log() {
    return service.log();
  }

  /** Stops the runtime. */
  @Override
  public void close() {
    RUNNING.remove(this);
    service.close();
  }
}
