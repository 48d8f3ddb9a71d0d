package io.x402j.devnet.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the anvil binary: {@code X402J_ANVIL}, then {@code anvil} on the {@code PATH}, then the
 * pinned npm package {@code @foundry-rs/anvil} in a per-user cache, installing it there with npm
 * when missing. The npm {@code bin} entry is a Node wrapper; the native binary next to it is
 * returned instead, so that stopping anvil cannot leave the real process behind. Not part of the
 * x402j API.
 */
public final class AnvilLocator {
  /** The anvil release x402j is tested with. */
  public static final String ANVIL_VERSION = "1.7.1";

  private static final String PACKAGE = "@foundry-rs/anvil";

  private final Map<String, String> env;

  /** A locator reading the process environment. */
  public AnvilLocator() {
    this(System.getenv());
  }

  /** A locator reading {@code env} (for tests). */
  public AnvilLocator(Map<String, String> env) {
    this.env = env;
  }

  /** The binary to run. */
  public Path locate() throws IOException, InterruptedException {
    String configured = env.get("X402J_ANVIL");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isRegularFile(path)) {
        throw new IOException("X402J_ANVIL is set to " + path + ", which is not a file");
      }
      return nativeBinary(path);
    }
    Path onPath = findOnPath("anvil");
    if (onPath != null) {
      return nativeBinary(onPath);
    }
    return installed();
  }

  /** The per-user directory holding the npm installation. */
  public Path cacheDirectory() {
    return NpmInstall.cacheRoot(env).resolve("anvil-" + ANVIL_VERSION);
  }

  private Path installed() throws IOException, InterruptedException {
    Path dir = cacheDirectory();
    Path binary = platformBinary(dir.resolve("node_modules").resolve("@foundry-rs"));
    NpmInstall.ensure(
        dir,
        d -> Files.isExecutable(binary),
        List.of(
            "install",
            "--prefix",
            dir.toString(),
            "--no-audit",
            "--no-fund",
            "--no-save",
            PACKAGE + "@" + ANVIL_VERSION),
        "anvil "
            + ANVIL_VERSION
            + " (or install Foundry's anvil and put it on the PATH, or set X402J_ANVIL to its"
            + " path)",
        env);
    return binary;
  }

  /**
   * The native binary for a path that may be npm's Node wrapper ({@code node_modules/.bin/anvil} or
   * the package's {@code bin.mjs}).
   */
  static Path nativeBinary(Path path) throws IOException {
    Path real = path.toRealPath();
    String name = real.getFileName().toString();
    if (!(name.endsWith(".mjs") || name.endsWith(".js"))) {
      return real;
    }
    // …/node_modules/@foundry-rs/anvil/bin.mjs ->
    // …/node_modules/@foundry-rs/anvil-<os>-<arch>/bin/anvil
    Path scope = real.getParent().getParent();
    Path binary = platformBinary(scope);
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          path + " is the npm wrapper of anvil, but its native binary " + binary + " is missing");
    }
    return binary;
  }

  private static Path platformBinary(Path foundryScope) {
    return foundryScope
        .resolve("anvil-" + platform())
        .resolve("bin")
        .resolve(isWindows() ? "anvil.exe" : "anvil");
  }

  static String platform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String osPart = os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux";
    String archPart = arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : "amd64";
    return osPart + "-" + archPart;
  }

  private static boolean isWindows() {
    return NpmInstall.isWindows();
  }

  private Path findOnPath(String executable) {
    return NpmInstall.findOnPath(executable, env);
  }
}
