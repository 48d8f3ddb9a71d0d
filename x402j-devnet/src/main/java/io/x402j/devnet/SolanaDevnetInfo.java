package io.x402j.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a running {@link SolanaDevnet} is and what is on it, as its first line of output says.
 *
 * @param rpcUrl the JSON-RPC URL, on 127.0.0.1
 * @param network the CAIP-2 network, {@code solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1} (Solana
 *     devnet's)
 * @param genesisHash the genesis hash {@code getGenesisHash} answers
 * @param token the 6-decimal mint at the Solana devnet USDC address
 * @param accounts the funded accounts: {@code facilitator} and {@code facilitator2} (SOL for fees),
 *     {@code buyer} and {@code buyer2} (SOL and 1,000 USDC), {@code seller} (an empty token
 *     account), {@code mintAuthority}
 * @param json the line itself
 */
public record SolanaDevnetInfo(
    String rpcUrl,
    String network,
    String genesisHash,
    Token token,
    List<SolanaDevnetAccount> accounts,
    String json) {

  /**
   * The devnet's mint.
   *
   * @param address its base58 address
   * @param decimals its decimals (6)
   * @param symbol its symbol
   * @param programId its token program (Tokenkeg)
   * @param mintAuthority the address of the {@code mintAuthority} account
   */
  public record Token(
      String address, int decimals, String symbol, String programId, String mintAuthority) {}

  /** Copies the account list. */
  public SolanaDevnetInfo {
    Objects.requireNonNull(rpcUrl, "rpcUrl");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(token, "token");
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(json, "json");
  }

  /**
   * Reads the devnet's JSON line.
   *
   * @throws IOException naming what is missing when the line is not the devnet's
   */
  public static SolanaDevnetInfo parse(String line) throws IOException {
    JsonNode root = new ObjectMapper().readTree(line);
    JsonNode token = root.path("token");
    List<SolanaDevnetAccount> accounts = new ArrayList<>();
    for (JsonNode account : root.path("accounts")) {
      accounts.add(
          new SolanaDevnetAccount(
              text(account, "name"),
              text(account, "address"),
              text(account, "privateKey"),
              text(account, "tokenAccount")));
    }
    if (!token.path("decimals").canConvertToInt()) {
      throw new IOException("the Solana devnet's line has no token.decimals: " + line);
    }
    return new SolanaDevnetInfo(
        text(root, "rpcUrl"),
        text(root, "network"),
        text(root, "genesisHash"),
        new Token(
            text(token, "address"),
            token.path("decimals").asInt(),
            text(token, "symbol"),
            text(token, "programId"),
            text(token, "mintAuthority")),
        accounts,
        line);
  }

  private static String text(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException("the Solana devnet's line has no text field " + field);
    }
    return value.asText();
  }

  /** The account called {@code name}. */
  public Optional<SolanaDevnetAccount> account(String name) {
    return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * The account called {@code name}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public SolanaDevnetAccount requireAccount(String name) {
    return account(name)
        .orElseThrow(
            () -> new IllegalArgumentException("the Solana devnet has no account " + name));
  }

  /** The line of JSON the devnet printed when it started. */
  public String toJson() {
    return json;
  }

  /** Shows the URL and network, not the keys. */
  @Override
  public String toString() {
    return "SolanaDevnetInfo[" + rpcUrl + ", " + network + ", " + accounts + "]";
  }
}
