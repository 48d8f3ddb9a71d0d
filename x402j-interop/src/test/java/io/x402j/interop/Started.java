package io.x402j.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A process that prints one JSON line saying where it listens (an x402j server command). */
final class Started implements AutoCloseable {
  private final Process process;
  private final JsonNode line;
  private final Path log;

  private Started(Process process, JsonNode line, Path log) {
    this.process = process;
    this.line = line;
    this.log = log;
  }

  /** Starts {@code command} (stderr to a file in {@code dir}) and waits for its first line. */
  static Started x402j(List<String> command, Path dir) throws Exception {
    Path log = Files.createTempFile(dir, "x402j", ".log");
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first;
    try {
      first = CompletableFuture.supplyAsync(() -> readLine(out)).get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      first = null;
    }
    if (first == null || !first.startsWith("{")) {
      process.destroyForcibly();
      throw new IOException(
          String.join(" ", command.subList(3, command.size()))
              + " did not start: "
              + first
              + "\n"
              + Files.readString(log));
    }
    return new Started(process, OfficialMcp.JSON.readTree(first), log);
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  String url() {
    return line.path("url").asText();
  }

  /** What it wrote to stderr so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
