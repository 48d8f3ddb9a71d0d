package io.x402j.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line with which a test starts another JVM (the CLI, a test MCP server, a JVM to
 * kill): this JVM's {@code java} with {@link #OPTIONS}, options for a process that lives seconds.
 * Such a JVM spends more CPU C2-compiling its code than the compiled code saves it, and the build
 * starts a hundred of them on two cores; stopping at C1 and collecting with the serial collector
 * makes {@code x402j demo} take about 40% less CPU. What the process does is the same.
 */
public final class ChildJvm {
  /** The options every test-started JVM gets, before its class path. */
  public static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChildJvm() {}

  /** This JVM's {@code java} executable. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java}, {@link #OPTIONS}, then {@code args}. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(OPTIONS);
    command.addAll(List.of(args));
    return command;
  }

  /**
   * {@code java}, {@link #OPTIONS}, {@code -cp} this JVM's class path, {@code main}, {@code args}.
   */
  public static List<String> main(Class<?> main, String... args) {
    List<String> command = command("-cp", System.getProperty("java.class.path"), main.getName());
    command.addAll(List.of(args));
    return command;
  }
}
