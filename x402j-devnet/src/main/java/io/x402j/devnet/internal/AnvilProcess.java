package io.x402j.devnet.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A running anvil. On POSIX systems anvil runs under a tiny {@code sh} watchdog that holds the read
 * end of a pipe whose write end only this JVM holds: when the JVM exits for any reason, SIGKILL
 * included, the pipe closes and the watchdog stops anvil. No anvil outlives its JVM. Not part of
 * the x402j API.
 */
public final class AnvilProcess implements AutoCloseable {
  // Runs anvil in the background, waits for end-of-file on stdin, then stops anvil and waits.
  private static final String WATCHDOG =
      "\"$@\" & child=$!; cat >/dev/null; kill \"$child\" 2>/dev/null; wait \"$child\"";

  private static final Set<AnvilProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(AnvilProcess::close), "x402j-anvil-stop"));
  }

  private final Process process;
  private final Path log;
  private final boolean watched;

  private AnvilProcess(Process process, Path log, boolean watched) {
    this.process = process;
    this.log = log;
    this.watched = watched;
  }

  /** Starts {@code binary} with {@code args}, writing its output to {@code log}. */
  public static AnvilProcess start(Path binary, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    boolean posix = Files.isExecutable(Path.of("/bin/sh"));
    if (posix) {
      command.add("/bin/sh");
      command.add("-c");
      command.add(WATCHDOG);
      command.add("x402j-anvil-watchdog");
    }
    command.add(binary.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    AnvilProcess anvil = new AnvilProcess(builder.start(), log, posix);
    RUNNING.add(anvil);
    return anvil;
  }

  /** Whether anvil (or its watchdog) still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process id of anvil's watchdog (or of anvil where there is none). */
  public long pid() {
    return process.pid();
  }

  /** The last lines anvil printed. */
  public String outputTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops anvil and waits for it: gracefully first, forcibly after five seconds. */
  @Override
  public void close() {
    RUNNING.remove(this);
    try {
      if (watched) {
        process.getOutputStream().close(); // the watchdog sees end-of-file and stops anvil
      } else {
        process.destroy();
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
