package io.x402j.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The spend-limit flags that {@code pay} and {@code mcp} share: how long a signature lives, which
 * networks to prefer or allow, and the budget. A picocli mixin; {@link PayCommand} reads them.
 */
final class SpendOptions {
  @Option(
      names = "--max-authorization-lifetime",
      paramLabel = "DURATION",
      defaultValue = "1h",
      description =
          "The longest a signed payment stays valid, whatever the server asks (default"
              + " ${DEFAULT-VALUE}; at least 10s).")
  String maxAuthorizationLifetime;

  @Option(
      names = "--prefer-network",
      paramLabel = "NETWORK",
      description = "Networks to pay on first, e.g. eip155:8453; repeat for more.")
  List<String> preferNetworks;

  @Option(
      names = "--network",
      paramLabel = "NETWORK",
      description = "Pay only on these networks; repeat for more.")
  List<String> onlyNetworks;

  @Option(
      names = "--budget",
      paramLabel = "DOLLARS",
      description = "The most to pay within --budget-window, e.g. $5; needs --spend-log.")
  String budget;

  @Option(
      names = "--budget-window",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description = "The window of --budget (default ${DEFAULT-VALUE}).")
  String budgetWindow;
}
