package io.x402j.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.devnet.internal.NpmInstall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Node side of the interop tests: {@code src/test/node} (pinned official SDKs and scripts),
 * installed with {@code npm ci} into x402j's per-user cache, keyed by the lockfile, and scripts run
 * with {@code node}. Each script prints one line of JSON as its last line of output.
 */
final class NodeProject {
  private static final Path SOURCE = Path.of("src", "test", "node");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path installed;

  private NodeProject() {}

  /** The installed project, installing it on first use. */
  static synchronized Path directory() throws IOException, InterruptedException {
    if (installed != null) {
      return installed;
    }
    byte[] packageJson = Files.readAllBytes(SOURCE.resolve("package.json"));
    byte[] lock = Files.readAllBytes(SOURCE.resolve("package-lock.json"));
    String key;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(packageJson);
      sha.update(lock);
      key = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path dir = NpmInstall.cacheRoot(System.getenv()).resolve("interop-node-" + key);
    Files.createDirectories(dir);
    Files.write(dir.resolve("package.json"), packageJson);
    Files.write(dir.resolve("package-lock.json"), lock);
    NpmInstall.ensure(
        dir,
        d -> Files.isRegularFile(d.resolve("node_modules").resolve(".package-lock.json")),
        List.of("ci", "--no-audit", "--no-fund"),
        "the official x402 SDKs for the interop tests",
        System.getenv());
    try (Stream<Path> scripts = Files.list(SOURCE)) {
      for (Path script : scripts.filter(p -> p.toString().endsWith(".mjs")).toList()) {
        Files.copy(script, dir.resolve(script.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    installed = dir;
    return dir;
  }

  /**
   * Runs a script and returns the JSON of its last output line.
   *
   * @throws AssertionError with the script's error output when it fails or prints no JSON
   */
  static JsonNode run(String script, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Path dir = directory();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(dir.resolve(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().putAll(env);
    Path err = Files.createTempFile("x402j-node", ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(script + " did not finish within " + timeout);
    }
    String stdout = new String(out, StandardCharsets.UTF_8).strip();
    String stderr = Files.readString(err);
    Files.deleteIfExists(err);
    String last = stdout.isEmpty() ? "" : stdout.substring(stdout.lastIndexOf('\n') + 1);
    if (process.exitValue() != 0 || !last.startsWith("{")) {
      throw new AssertionError(
          script
              + " failed (exit "
              + process.exitValue()
              + ")\nstdout:\n"
              + stdout
              + "\nstderr:\n"
              + stderr);
    }
    return JSON.readTree(last);
  }
}
