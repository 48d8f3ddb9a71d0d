package io.x402j.svm.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.Network;
import io.x402j.core.support.Futures;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.svm.BlockhashSource;
import io.x402j.svm.MintInfo;
import io.x402j.svm.MintInfoSource;
import io.x402j.svm.RecentBlockhash;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaPrograms;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A typed, asynchronous client of the Solana JSON-RPC methods buyers, sellers and facilitators use.
 * It rides on {@link JsonRpcClient}, so retries, timeouts, fallbacks and URL redaction are the same
 * as for EVM nodes: the reads listed in {@link #READS} (simulations included) are retried on any
 * transport failure and, under load, share batched requests, while {@code sendTransaction} is
 * retried only when no connection was made. Messages name the node by scheme, host and port only,
 * never its path or query (which carry API keys). Account data is always asked for as base64.
 *
 * <p>Addresses, blockhashes and signatures are base58 strings as the node takes them; values are
 * validated as they come back, and an answer of the wrong shape completes exceptionally with an
 * {@link RpcException} of kind {@link RpcException.Kind#BAD_RESPONSE}. Immutable and thread-safe.
 *
 * <p>It is the {@link BlockhashSource} and {@link MintInfoSource} of an {@link
 * io.x402j.svm.ExactSvmClient}: one client talks to one network's node, so those ignore the network
 * they are asked about.
 */
public final class SolanaRpcClient implements BlockhashSource, MintInfoSource {
  /** The methods of this client that only read, retried on any transport failure. */
  public static final Set<String> READS =
      Set.of(
          "getLatestBlockhash",
          "getAccountInfo",
          "getMultipleAccounts",
          "getBalance",
          "getTokenAccountBalance",
          "getSignatureStatuses",
          "getGenesisHash",
          "getMinimumBalanceForRentExemption",
          "getBlockHeight",
          "getSlot",
          "isBlockhashValid",
          // A simulation changes nothing (like eth_call): safe to retry, and under load many
          // verifications' simulations share one batched request, which the node answers faster.
          "simulateTransaction");

  /** The commitment every read of this client asks for unless told otherwise. */
  public static final String CONFIRMED = "confirmed";

  private final JsonRpcClient rpc;

  private SolanaRpcClient(JsonRpcClient rpc) {
    this.rpc = rpc;
  }

  /** A client of the node at {@code url} with the default retries and timeouts. */
  public static SolanaRpcClient connect(String url) {
    return new SolanaRpcClient(builder(url).build());
  }

  /**
   * A {@link JsonRpcClient} builder for the node at {@code url} that knows Solana's reads; set
   * timeouts, attempts or fallbacks on it, then pass what it builds to {@link #of}.
   */
  public static JsonRpcClient.Builder builder(String url) {
    return JsonRpcClient.builder(url).reads(READS);
  }

  /**
   * A client over {@code rpc}, which should have been built by {@link #builder} (else Solana's
   * reads are not retried).
   */
  public static SolanaRpcClient of(JsonRpcClient rpc) {
    return new SolanaRpcClient(Objects.requireNonNull(rpc, "rpc"));
  }

  /** The node as {@code scheme://host:port}, safe to log. */
  public String redactedUrl() {
    return rpc.redactedUrl();
  }

  /** The JSON-RPC client underneath, for calls this class does not type. */
  public JsonRpcClient json() {
    return rpc;
  }

  // ------------------------------------------------------------------------------------ types

  /**
   * A recent blockhash and the last block height at which a transaction using it lands.
   *
   * @param blockhash base58
   * @param lastValidBlockHeight the last block height at which it is valid
   * @param slot the slot the node answered at
   */
  public record LatestBlockhash(String blockhash, long lastValidBlockHeight, long slot) {}

  /**
   * An account as the node holds it.
   *
   * @param lamports its SOL balance in lamports
   * @param owner the owning program, base58
   * @param data its data
   * @param executable whether it is a program
   */
  public record AccountInfo(long lamports, String owner, byte[] data, boolean executable) {
    /** Copies the data. */
    public AccountInfo {
      Objects.requireNonNull(owner, "owner");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof AccountInfo a
          && lamports == a.lamports
          && owner.equals(a.owner)
          && executable == a.executable
          && java.util.Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
      return Objects.hash(lamports, owner, executable, java.util.Arrays.hashCode(data));
    }

    @Override
    public String toString() {
      return "AccountInfo[lamports="
          + lamports
          + ", owner="
          + owner
          + ", "
          + data.length
          + " bytes]";
    }
  }

  /**
   * A token account's balance.
   *
   * @param amount in the mint's atomic units
   * @param decimals the mint's decimals
   */
  public record TokenBalance(BigInteger amount, int decimals) {}

  /**
   * The outcome of {@code simulateTransaction}.
   *
   * @param err the transaction error as the node reports it, or {@code null} when it would succeed
   * @param logs the program logs (possibly empty)
   * @param unitsConsumed the compute units it used, or {@code null} when not reported
   */
  public record Simulation(JsonNode err, List<String> logs, Long unitsConsumed) {
    /** Copies the logs. */
    public Simulation {
      logs = List.copyOf(logs);
    }

    /** Whether the transaction would succeed. */
    public boolean succeeded() {
      return err == null || err.isNull();
    }
  }

  /**
   * The status of a transaction the node knows.
   *
   * @param slot the slot it landed in
   * @param confirmations confirmations, or {@code null} once rooted
   * @param err the transaction error, or {@code null} when it succeeded
   * @param confirmationStatus {@code processed}, {@code confirmed} or {@code finalized}, or {@code
   *     null} when the node did not say
   */
  public record SignatureStatus(
      long slot, Long confirmations, JsonNode err, String confirmationStatus) {
    /** Whether the transaction failed on chain (it landed, fees were paid, nothing else moved). */
    public boolean failed() {
      return err != null && !err.isNull();
    }

    /** Whether it is at least {@code confirmed} (or finalized). */
    public boolean confirmed() {
      return "confirmed".equals(confirmationStatus)
          || "finalized".equals(confirmationStatus)
          || (confirmationStatus == null && confirmations == null);
    }
  }

  // ---------------------------------------------------------------------------------- methods

  /** {@code getLatestBlockhash} at {@code confirmed}. */
  public CompletableFuture<LatestBlockhash> getLatestBlockhash() {
    return getLatestBlockhash(CONFIRMED);
  }

  /** {@code getLatestBlockhash} at {@code commitment}. */
  public CompletableFuture<LatestBlockhash> getLatestBlockhash(String commitment) {
    String method = "getLatestBlockhash";
    return rpc.call(method, Map.of("commitment", commitment))
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              return new LatestBlockhash(
                  text(method, value, "blockhash"),
                  unsigned(method, value, "lastValidBlockHeight"),
                  unsigned(method, result.path("context"), "slot"));
            });
  }

  /** {@code getAccountInfo} (base64, {@code confirmed}); empty when the account does not exist. */
  public CompletableFuture<Optional<AccountInfo>> getAccountInfo(String address) {
    String method = "getAccountInfo";
    return rpc.call(method, address, accountOptions())
        .thenApply(result -> account(method, value(method, result)));
  }

  /**
   * {@code getMultipleAccounts} (base64, {@code confirmed}): one entry per address, in order, empty
   * where the account does not exist.
   */
  public CompletableFuture<List<Optional<AccountInfo>>> getMultipleAccounts(
      List<String> addresses) {
    String method = "getMultipleAccounts";
    if (addresses.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return rpc.call(method, List.copyOf(addresses), accountOptions())
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              if (!value.isArray() || value.size() != addresses.size()) {
                throw bad(method, "expected " + addresses.size() + " accounts");
              }
              List<Optional<AccountInfo>> accounts = new ArrayList<>();
              for (JsonNode item : value) {
                accounts.add(account(method, item));
              }
              return accounts;
            });
  }

  /** {@code getBalance} at {@code confirmed}: lamports. */
  public CompletableFuture<Long> getBalance(String address) {
    String method = "getBalance";
    return rpc.call(method, address, Map.of("commitment", CONFIRMED))
        .thenApply(result -> asUnsigned(method, value(method, result), "value"));
  }

  /** {@code getTokenAccountBalance} at {@code confirmed}. */
  public CompletableFuture<TokenBalance> getTokenAccountBalance(String tokenAccount) {
    String method = "getTokenAccountBalance";
    return rpc.call(method, tokenAccount, Map.of("commitment", CONFIRMED))
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              String amount = text(method, value, "amount");
              if (!amount.matches("(0|[1-9][0-9]{0,19})")) {
                throw bad(method, "amount is not a u64");
              }
              long decimals = unsigned(method, value, "decimals");
              if (decimals > 255) {
                throw bad(method, "decimals out of range");
              }
              return new TokenBalance(new BigInteger(amount), (int) decimals);
            });
  }

  /**
   * {@code simulateTransaction} of a base64 wire transaction without verifying signatures and
   * without replacing its blockhash, at {@code confirmed}.
   */
  public CompletableFuture<Simulation> simulateTransaction(String base64Transaction) {
    String method = "simulateTransaction";
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("encoding", "base64");
    options.put("sigVerify", false);
    options.put("replaceRecentBlockhash", false);
    options.put("commitment", CONFIRMED);
    return rpc.call(method, base64Transaction, options)
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              JsonNode err = value.get("err");
              List<String> logs = new ArrayList<>();
              JsonNode logNode = value.get("logs");
              if (logNode != null && logNode.isArray()) {
                for (JsonNode line : logNode) {
                  logs.add(line.asText());
                }
              }
              JsonNode units = value.get("unitsConsumed");
              Long consumed =
                  units != null && units.canConvertToExactIntegral() && units.asLong() >= 0
                      ? units.asLong()
                      : null;
              return new Simulation(err == null || err.isNull() ? null : err, logs, consumed);
            });
  }

  /**
   * {@code sendTransaction} of a base64 wire transaction; completes with the signature the node
   * reports (base58).
   *
   * @param skipPreflight whether the node sends it without simulating first
   */
  public CompletableFuture<String> sendTransaction(
      String base64Transaction, boolean skipPreflight) {
    String method = "sendTransaction";
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("encoding", "base64");
    options.put("skipPreflight", skipPreflight);
    options.put("preflightCommitment", CONFIRMED);
    return rpc.call(method, base64Transaction, options)
        .thenApply(
            result -> {
              if (!result.isTextual()) {
                throw bad(method, "the signature is not a string");
              }
              return result.textValue();
            });
  }

  /**
   * {@code getSignatureStatuses}: one entry per signature, in order, empty where the node does not
   * know the transaction.
   *
   * @param searchHistory whether the node searches its whole history, not only recent slots
   */
  public CompletableFuture<List<Optional<SignatureStatus>>> getSignatureStatuses(
      List<String> signatures, boolean searchHistory) {
    String method = "getSignatureStatuses";
    if (signatures.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return rpc.call(
            method, List.copyOf(signatures), Map.of("searchTransactionHistory", searchHistory))
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              if (!value.isArray() || value.size() != signatures.size()) {
                throw bad(method, "expected " + signatures.size() + " statuses");
              }
              List<Optional<SignatureStatus>> statuses = new ArrayList<>();
              for (JsonNode item : value) {
                if (item == null || item.isNull()) {
                  statuses.add(Optional.empty());
                  continue;
                }
                if (!item.isObject()) {
                  throw bad(method, "a status is not an object");
                }
                JsonNode confirmations = item.get("confirmations");
                JsonNode status = item.get("confirmationStatus");
                JsonNode err = item.get("err");
                statuses.add(
                    Optional.of(
                        new SignatureStatus(
                            unsigned(method, item, "slot"),
                            confirmations == null || confirmations.isNull()
                                ? null
                                : asUnsigned(method, confirmations, "confirmations"),
                            err == null || err.isNull() ? null : err,
                            status == null || status.isNull() ? null : status.asText())));
              }
              return statuses;
            });
  }

  /** {@code getGenesisHash}: base58. */
  public CompletableFuture<String> getGenesisHash() {
    String method = "getGenesisHash";
    return rpc.call(method)
        .thenApply(
            result -> {
              if (!result.isTextual()) {
                throw bad(method, "the hash is not a string");
              }
              return result.textValue();
            });
  }

  /** {@code getMinimumBalanceForRentExemption} of an account of {@code dataLength} bytes. */
  public CompletableFuture<Long> getMinimumBalanceForRentExemption(int dataLength) {
    String method = "getMinimumBalanceForRentExemption";
    if (dataLength < 0) {
      throw new IllegalArgumentException("dataLength must not be negative");
    }
    return rpc.call(method, dataLength).thenApply(result -> asUnsigned(method, result, "result"));
  }

  /** {@code getBlockHeight} at {@code confirmed}. */
  public CompletableFuture<Long> getBlockHeight() {
    String method = "getBlockHeight";
    return rpc.call(method, Map.of("commitment", CONFIRMED))
        .thenApply(result -> asUnsigned(method, result, "result"));
  }

  /** {@code isBlockhashValid} at {@code confirmed}. */
  public CompletableFuture<Boolean> isBlockhashValid(String blockhash) {
    String method = "isBlockhashValid";
    return rpc.call(method, blockhash, Map.of("commitment", CONFIRMED))
        .thenApply(
            result -> {
              JsonNode value = value(method, result);
              if (!value.isBoolean()) {
                throw bad(method, "value is not a boolean");
              }
              return value.booleanValue();
            });
  }

  /**
   * Several calls in one request, each answered with its result or error object (see {@link
   * JsonRpcClient#batch}).
   */
  public CompletableFuture<List<RpcResult>> batch(List<RpcCall> calls) {
    return rpc.batch(calls);
  }

  // ------------------------------------------------------------------- client-side sources

  /**
   * The latest blockhash at {@code confirmed}, blocking until the node answers.
   *
   * @throws IllegalStateException when the node cannot tell (the message names it redacted)
   */
  @Override
  public RecentBlockhash latest(Network network) {
    try {
      LatestBlockhash latest = getLatestBlockhash().join();
      return new RecentBlockhash(latest.blockhash(), latest.lastValidBlockHeight());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot read the latest blockhash: " + Futures.unwrap(e).getMessage());
    }
  }

  /**
   * The token program (the mint account's owner) and decimals (byte 44 of its data) of {@code
   * mint}, blocking until the node answers.
   *
   * @throws IllegalArgumentException when {@code mint} is not a token mint
   * @throws IllegalStateException when the node cannot tell
   */
  @Override
  public MintInfo mintInfo(Network network, SolanaAddress mint) {
    Optional<AccountInfo> account;
    try {
      account = getAccountInfo(mint.toString()).join();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot read mint " + mint + ": " + Futures.unwrap(e).getMessage());
    }
    if (account.isEmpty()) {
      throw new IllegalArgumentException("mint " + mint + " does not exist");
    }
    SolanaAddress owner;
    try {
      owner = SolanaAddress.parse(account.get().owner());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mint " + mint + " has an unreadable owner");
    }
    byte[] data = account.get().data();
    // An initialised SPL mint is 82 bytes (Token-2022 may append extensions): decimals at 44,
    // is_initialized at 45.
    if (!SolanaPrograms.isTokenProgram(owner) || data.length < 82 || data[45] != 1) {
      throw new IllegalArgumentException(mint + " is not a token mint");
    }
    return new MintInfo(owner, data[44] & 0xff);
  }

  // ---------------------------------------------------------------------------------- parsing

  private static Map<String, Object> accountOptions() {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("encoding", "base64");
    options.put("commitment", CONFIRMED);
    return options;
  }

  private Optional<AccountInfo> account(String method, JsonNode item) {
    if (item == null || item.isNull()) {
      return Optional.empty();
    }
    if (!item.isObject()) {
      throw bad(method, "an account is not an object");
    }
    JsonNode data = item.get("data");
    if (data == null
        || !data.isArray()
        || data.size() != 2
        || !data.get(0).isTextual()
        || !"base64".equals(data.get(1).asText())) {
      throw bad(method, "account data is not [base64, \"base64\"]");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.get(0).textValue());
    } catch (IllegalArgumentException e) {
      throw bad(method, "account data is not base64");
    }
    JsonNode executable = item.get("executable");
    return Optional.of(
        new AccountInfo(
            unsigned(method, item, "lamports"),
            text(method, item, "owner"),
            bytes,
            executable != null && executable.asBoolean(false)));
  }

  private JsonNode value(String method, JsonNode result) {
    if (result == null || !result.isObject() || !result.has("value")) {
      throw bad(method, "no value in the result");
    }
    return result.get("value");
  }

  private String text(String method, JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual()) {
      throw bad(method, field + " is not a string");
    }
    return value.textValue();
  }

  private long unsigned(String method, JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return asUnsigned(method, value, field);
  }

  private long asUnsigned(String method, JsonNode value, String field) {
    if (value == null
        || !value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < 0) {
      throw bad(method, field + " is not a non-negative integer");
    }
    return value.longValue();
  }

  private RpcException bad(String method, String what) {
    return new RpcException(
        RpcException.Kind.BAD_RESPONSE,
        method,
        0,
        null,
        method + " on " + rpc.redactedUrl() + " answered unexpectedly: " + what,
        null);
  }
}
