package io.x402j.sales.internal;

import io.x402j.core.Network;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where a transaction can be looked at, per network (none for local devnets). Not API. */
public final class Explorers {
  private static final Pattern EVM_TX = Pattern.compile("0x[0-9a-fA-F]{64}");
  private static final Pattern SOLANA_TX = Pattern.compile("[1-9A-HJ-NP-Za-km-z]{43,88}");

  private static final Map<String, String> TX_URLS =
      Map.of(
          "eip155:8453", "https://basescan.org/tx/%s",
          "eip155:84532", "https://sepolia.basescan.org/tx/%s",
          "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", "https://explorer.solana.com/tx/%s",
          "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
              "https://explorer.solana.com/tx/%s?cluster=devnet");

  private Explorers() {}

  /**
   * The explorer page of {@code tx} on {@code network}, when the network has a public explorer and
   * {@code tx} is a well-formed transaction id of it (anything else is never put in a link).
   */
  public static Optional<String> transaction(Network network, String tx) {
    if (tx == null) {
      return Optional.empty();
    }
    String pattern = TX_URLS.get(network.toString());
    if (pattern == null) {
      return Optional.empty();
    }
    boolean ok = network.isEvm() ? EVM_TX.matcher(tx).matches() : SOLANA_TX.matcher(tx).matches();
    return ok ? Optional.of(String.format(pattern, tx)) : Optional.empty();
  }
}
