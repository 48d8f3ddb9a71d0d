package io.x402j.svm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the scripts of src/test/node (the official Solana libraries and x402 SVM client) with node.
 * Installed with {@code npm ci} into target/ once per build. (Not x402j-devnet's NodeProject: this
 * module must not depend on x402j-devnet, which depends on it.)
 */
final class NodeScripts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;

  private NodeScripts() {}

  static synchronized Path install() throws IOException, InterruptedException {
    if (dir != null) {
      return dir;
    }
    Path source = Path.of("src", "test", "node");
    Path target = Path.of("target", "svm-node");
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!Files.isRegularFile(target.resolve("node_modules").resolve(".package-lock.json"))) {
      exec(target, List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
    }
    dir = target;
    return dir;
  }

  /** Runs {@code script} with {@code args} and parses the last line it prints as JSON. */
  static JsonNode run(String script, String... args) throws IOException, InterruptedException {
    Path project = install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    String out = exec(project, command, 60);
    String last = out.substring(out.lastIndexOf('\n') + 1);
    return JSON.readTree(last);
  }

  private static String exec(Path dir, List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path err = Files.createTempFile("x402j-svm-node", ".err");
    try {
      Process process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return process.getInputStream().readAllBytes();
                } catch (IOException e) {
                  return new byte[0];
                }
              });
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " timed out\n" + Files.readString(err));
      }
      String stdout = new String(out.join(), StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0) {
        throw new IOException(
            command + " failed: " + stdout + "\n" + Files.readString(err, StandardCharsets.UTF_8));
      }
      return stdout;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
