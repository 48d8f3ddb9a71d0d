package io.x402j.devnet.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Installs npm packages into x402j's per-user cache, once, even when several JVMs ask at the same
 * time. Used for anvil and for the Node side of the interop tests. Not part of the x402j API.
 */
public final class NpmInstall {
  private NpmInstall() {}

  /**
   * The cache root: {@code X402J_CACHE}, else {@code $XDG_CACHE_HOME/x402j}, else {@code
   * ~/.cache/x402j}.
   */
  public static Path cacheRoot(Map<String, String> env) {
    String override = env.get("X402J_CACHE");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("x402j");
  }

  /**
   * Runs {@code npm <arguments>} in {@code dir} unless {@code installed} already holds, under a
   * file lock so that concurrent callers install once.
   *
   * @param what what is being installed, for messages
   * @throws IOException naming what failed, with the end of npm's output
   */
  public static void ensure(
      Path dir,
      Predicate<Path> installed,
      List<String> arguments,
      String what,
      Map<String, String> env)
      throws IOException, InterruptedException {
    if (installed.test(dir)) {
      return;
    }
    Files.createDirectories(dir);
    try (FileChannel channel =
        new RandomAccessFile(dir.resolve(".lock").toFile(), "rw").getChannel()) {
      FileLock lock = channel.lock();
      try {
        if (installed.test(dir)) {
          return; // another JVM installed it while this one waited for the lock
        }
        String npm = isWindows() ? "npm.cmd" : "npm";
        if (findOnPath(npm, env) == null) {
          throw new IOException(
              what
                  + " is needed but npm was not found: install Node.js and npm"
                  + " (https://nodejs.org)");
        }
        Path log = dir.resolve("npm.log");
        List<String> command = new ArrayList<>();
        command.add(npm);
        command.addAll(arguments);
        Process process =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IOException("npm did not install " + what + " within 10 minutes");
        }
        if (process.exitValue() != 0 || !installed.test(dir)) {
          throw new IOException(
              "npm "
                  + String.join(" ", arguments)
                  + " for "
                  + what
                  + " in "
                  + dir
                  + " failed (exit "
                  + process.exitValue()
                  + "); its output is in "
                  + log
                  + ":\n"
                  + tail(log));
        }
      } finally {
        lock.release();
      }
    }
  }

  /** The executable {@code name} on the {@code PATH} of {@code env}, or {@code null}. */
  public static Path findOnPath(String name, Map<String, String> env) {
    String path = env.get("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static boolean isWindows() {
    return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable)";
    }
  }
}
