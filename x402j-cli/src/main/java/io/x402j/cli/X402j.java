package io.x402j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code x402j} command. */
@Command(
    name = "x402j",
    mixinStandardHelpOptions = true,
    versionProvider = X402j.Version.class,
    description = "x402 payments for the JVM: a local chain, and more commands as the roles land.",
    subcommands = {DevnetCommand.class, CommandLine.HelpCommand.class})
public final class X402j {
  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (used by tests to parse without running). */
  public static CommandLine commandLine() {
    return new CommandLine(new X402j()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = X402j.class.getPackage().getImplementationVersion();
      return new String[] {"x402j " + (version == null ? "(development build)" : version)};
    }
  }
}
