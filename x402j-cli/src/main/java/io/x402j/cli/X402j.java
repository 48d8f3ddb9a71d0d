package io.x402j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code x402j} command. */
@Command(
    name = "x402j",
    mixinStandardHelpOptions = true,
    versionProvider = X402j.Version.class,
    description =
        "x402 payments for the JVM: pay for resources, sell an HTTP API through a gateway, run a"
            + " facilitator, and a local chain to try it all on.",
    subcommands = {
      DemoCommand.class,
      DevnetCommand.class,
      FacilitatorCommand.class,
      GatewayCommand.class,
      McpGatewayCommand.class,
      PayCommand.class,
      InspectCommand.class,
      DiscoverCommand.class,
      McpCommand.class,
      WalletCommand.class,
      CommandLine.HelpCommand.class
    })
public final class X402j {
  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line (used by tests to parse without running). */
  public static CommandLine commandLine() {
    return new CommandLine(new X402j())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExpandAtFiles(false) // "-d @file" means a body file, as in curl
        .setExecutionExceptionHandler(
            (e, cli, parsed) -> {
              // A user's mistake gets its message, not a stack trace; anything else its type too.
              boolean userError =
                  e instanceof IllegalArgumentException || e instanceof java.io.IOException;
              String message =
                  e instanceof java.nio.file.NoSuchFileException
                      ? "no such file: " + e.getMessage()
                      : e instanceof java.nio.file.AccessDeniedException
                          ? "permission denied: " + e.getMessage()
                          : userError ? e.getMessage() : e.toString();

              cli.getErr().println(cli.getCommandName() + ": " + message);

              return userError ? 2 : 1;
            });
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
