package io.x402j.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.devnet.internal.NpmInstall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A small Node project (a {@code package.json}, its {@code package-lock.json} and {@code .mjs}
 * scripts) installed with {@code npm ci} into x402j's per-user cache, keyed by the lockfile, and
 * run with {@code node}. Scripts report with one line of JSON: the last line for one-shot scripts,
 * the first line for services. The interop tests and benchmarks drive the official x402 SDKs
 * through it; so can tests of applications built on x402j.
 */
public final class NodeProject {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, NodeProject> INSTALLED = new ConcurrentHashMap<>();

  private final Path dir;

  private NodeProject(Path dir) {
    this.dir = dir;
  }

  /**
   * The project in {@code source}, installed (once per lockfile) into the cache.
   *
   * @throws IOException naming what failed, with npm's output
   */
  public static synchronized NodeProject install(Path source, Map<String, String> env)
      throws IOException, InterruptedException {
    Path key = source.toAbsolutePath().normalize();
    NodeProject known = INSTALLED.get(key);
    if (known != null) {
      return known;
    }
    byte[] packageJson = Files.readAllBytes(source.resolve("package.json"));
    byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
    String hash;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(packageJson);
      sha.update(lock);
      hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path dir = NpmInstall.cacheRoot(env).resolve("node-" + hash);
    Files.createDirectories(dir);
    Files.write(dir.resolve("package.json"), packageJson);
    Files.write(dir.resolve("package-lock.json"), lock);
    NpmInstall.ensure(
        dir,
        d -> Files.isRegularFile(d.resolve("node_modules").resolve(".package-lock.json")),
        List.of("ci", "--no-audit", "--no-fund"),
        "the Node project " + source,
        env);
    try (Stream<Path> scripts = Files.list(source)) {
      for (Path script : scripts.filter(p -> p.toString().endsWith(".mjs")).toList()) {
        copyAtomically(script, dir.resolve(script.getFileName()));
      }
    }
    NodeProject project = new NodeProject(dir);
    INSTALLED.put(key, project);
    return project;
  }

  /**
   * Copies {@code source} over {@code target} unless it already has the same bytes, through a
   * temporary file and a rename, so that another JVM starting the script meanwhile reads either the
   * old or the new file, never half of one.
   */
  private static void copyAtomically(Path source, Path target) throws IOException {
    byte[] bytes = Files.readAllBytes(source);
    if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
      return;
    }
    Path temporary = Files.createTempFile(target.getParent(), ".copy-", ".tmp");
    try {
      Files.write(temporary, bytes);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Where the project is installed. */
  public Path directory() {
    return dir;
  }

  private ProcessBuilder builder(String script, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(dir.resolve(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    return builder;
  }

  /**
   * Runs a script to its end and returns the JSON of its last line of output.
   *
   * @throws IOException with the script's error output when it fails or prints no JSON
   */
  public JsonNode run(String script, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile("x402j-node", ".err");
    try {
      Process process = builder(script, env, args).redirectError(err.toFile()).start();
      CompletableFuture<byte[]> out = readAll(process);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IOException(
            script + " did not finish within " + timeout + "\n" + Files.readString(err));
      }
      String stdout = new String(out.join(), StandardCharsets.UTF_8).strip();
      String last = stdout.isEmpty() ? "" : stdout.substring(stdout.lastIndexOf('\n') + 1);
      if (process.exitValue() != 0 || !last.startsWith("{")) {
        throw new IOException(
            script
                + " failed (exit "
                + process.exitValue()
                + ")\nstdout:\n"
                + stdout
                + "\nstderr:\n"
                + Files.readString(err));
      }
      return JSON.readTree(last);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static CompletableFuture<byte[]> readAll(Process process) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return process.getInputStream().readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
  }

  /**
   * Starts a long-running script (a server) and waits for its first line of JSON, which says where
   * it listens.
   *
   * @throws IOException with the script's error output when it does not start in time
   */
  public Service start(String script, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile("x402j-node-service", ".err");
    Process process = builder(script, env, args).redirectError(err.toFile()).start();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reader.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    String line;
    try {
      line = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      line = null;
    }
    if (line == null || !line.startsWith("{")) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IOException(script + " did not start:\n" + line + "\n" + Files.readString(err));
    }
    // Keep draining stdout so that a chatty service never blocks on a full pipe.
    CompletableFuture.runAsync(
        () -> {
          try {
            while (reader.readLine() != null) {
              // discard
            }
          } catch (IOException ignored) {
            // the process ended
          }
        });
    return new Service(JSON.readTree(line), process, err);
  }

  /** A running script; closing it stops it and its children. */
  public static final class Service implements AutoCloseable {
    private final JsonNode started;
    private final Process process;
    private final Path log;

    Service(JsonNode started, Process process, Path log) {
      this.started = started;
      this.process = process;
      this.log = log;
    }

    /** The JSON line the script printed when it started. */
    public JsonNode started() {
      return started;
    }

    /** {@code started().url}, the usual thing a service reports. */
    public String url() {
      return started.path("url").asText();
    }

    /** The process id of the script's {@code node} process. */
    public long pid() {
      return process.pid();
    }

    /** Whether the script still runs. */
    public boolean isAlive() {
      return process.isAlive();
    }

    /** What the script wrote to stderr so far. */
    public String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(unreadable)";
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        Files.deleteIfExists(log);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      } catch (IOException e) {
        // a temporary file
      }
    }
  }
}
