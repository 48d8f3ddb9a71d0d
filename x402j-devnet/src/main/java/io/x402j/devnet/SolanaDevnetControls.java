package io.x402j.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * Typed calls of a {@link SolanaDevnet}'s test controls (JSON-RPC methods prefixed {@code
 * x402jDevnet_}) and of the few standard reads tests use most. They let a test produce, without
 * waiting, what a cluster does slowly or rarely: a transaction accepted but not yet confirmed
 * ({@link #holdTransactions(boolean)}), one that never lands ({@link
 * #dropTransactions(String...)}), expired blockhashes, and failing RPC calls.
 *
 * <p>Every method throws {@link RpcException} when the devnet answers an error.
 */
public final class SolanaDevnetControls {
  /**
   * What became of a held transaction when it was released.
   *
   * @param signature its signature (base58)
   * @param landed whether it landed in a block (with or without an execution error)
   * @param slot the slot it landed in, or -1
   * @param error its execution error as JSON ({@code null} when it succeeded or did not land)
   * @param droppedBecause why it did not land (for example {@code BlockhashNotFound}), or {@code
   *     null}
   */
  public record Release(
      String signature, boolean landed, long slot, JsonNode error, String droppedBecause) {}

  /**
   * A token balance.
   *
   * @param tokenAccount the owner's associated token account (base58)
   * @param exists whether that account exists
   * @param amount its balance in atomic units (0 when it does not exist)
   */
  public record TokenBalance(String tokenAccount, boolean exists, BigInteger amount) {}

  private final JsonRpcClient rpc;

  SolanaDevnetControls(JsonRpcClient rpc) {
    this.rpc = rpc;
  }

  private JsonNode call(String method, Object... params) {
    try {
      return rpc.call(method, params).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * While on, {@code sendTransaction} answers the signature but does not process the transaction:
   * its status stays {@code null} until it is released or dropped.
   */
  public void holdTransactions(boolean hold) {
    call("x402jDevnet_holdTransactions", hold);
  }

  /** The signatures of held transactions, oldest first. */
  public List<String> heldTransactions() {
    List<String> out = new ArrayList<>();
    call("x402jDevnet_heldTransactions").forEach(s -> out.add(s.asText()));
    return out;
  }

  /**
   * Processes held transactions in the order they were sent (all of them when no signature is
   * given): each lands, fails on chain or is dropped as it would be on a cluster.
   */
  public List<Release> releaseTransactions(String... signatures) {
    JsonNode result =
        signatures.length == 0
            ? call("x402jDevnet_releaseTransactions")
            : call("x402jDevnet_releaseTransactions", Arrays.asList(signatures));
    List<Release> out = new ArrayList<>();
    for (JsonNode r : result) {
      boolean landed = r.path("landed").asBoolean();
      JsonNode err = r.get("err");
      out.add(
          new Release(
              r.path("signature").asText(),
              landed,
              landed ? r.path("slot").asLong() : -1,
              err == null || err.isNull() ? null : err,
              landed ? null : r.path("dropped").asText()));
    }
    return out;
  }

  /**
   * Discards held transactions (all of them when no signature is given): they never land. Returns
   * the signatures dropped.
   */
  public List<String> dropTransactions(String... signatures) {
    JsonNode result =
        signatures.length == 0
            ? call("x402jDevnet_dropTransactions")
            : call("x402jDevnet_dropTransactions", Arrays.asList(signatures));
    List<String> out = new ArrayList<>();
    result.forEach(s -> out.add(s.asText()));
    return out;
  }

  /**
   * Advances 151 blocks, so every blockhash handed out before is expired; returns the new latest
   * blockhash.
   */
  public String expireBlockhashes() {
    return call("x402jDevnet_expireBlockhashes").path("blockhash").asText();
  }

  /** Advances {@code slots} blocks (1 to 1,000,000) and returns the new slot. */
  public long warpSlots(long slots) {
    return call("x402jDevnet_warpSlots", slots).asLong();
  }

  /**
   * Mints {@code amount} atomic units of the devnet token to {@code owner}'s associated token
   * account, creating it when missing; returns that account.
   */
  public String mint(String owner, BigInteger amount) {
    Objects.requireNonNull(owner, "owner");
    return call("x402jDevnet_mint", owner, amount.toString()).asText();
  }

  /** Sets the SOL balance of {@code address}, in lamports. */
  public void setLamports(String address, BigInteger lamports) {
    call("x402jDevnet_setLamports", address, lamports.toString());
  }

  /**
   * Writes any account: {@code lamports}, {@code data}, its {@code owner} program (base58), not
   * executable. For states the devnet does not set up itself (an address lookup table, another
   * mint, a closed or frozen token account).
   */
  public void setAccount(String address, BigInteger lamports, byte[] data, String owner) {
    Map<String, Object> account = new LinkedHashMap<>();
    account.put("lamports", lamports.toString());
    account.put("data", java.util.Base64.getEncoder().encodeToString(data));
    account.put("owner", owner);
    call("x402jDevnet_setAccount", address, account);
  }

  /** The devnet-token balance of {@code owner}'s associated token account. */
  public TokenBalance tokenBalance(String owner) {
    JsonNode r = call("x402jDevnet_tokenBalance", owner);
    return new TokenBalance(
        r.path("tokenAccount").asText(),
        r.path("exists").asBoolean(),
        new BigInteger(r.path("amount").asText()));
  }

  /** The next {@code count} calls of {@code method} answer error -32005 "Node is unhealthy". */
  public void failNext(String method, int count) {
    call("x402jDevnet_failNext", method, count);
  }

  /** The next {@code count} calls of {@code method} answer the JSON-RPC error given. */
  public void failNext(String method, int count, int code, String message) {
    call("x402jDevnet_failNext", method, count, code, message);
  }

  /** How often each JSON-RPC method was called since the start or the last reset. */
  public Map<String, Long> callCounts(boolean reset) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : call("x402jDevnet_callCounts", reset).properties()) {
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  /** The current slot ({@code getSlot}). */
  public long slot() {
    return call("getSlot").asLong();
  }

  /** The latest blockhash ({@code getLatestBlockhash}). */
  public String latestBlockhash() {
    return call("getLatestBlockhash").path("value").path("blockhash").asText();
  }

  /** The SOL balance of {@code address} in lamports ({@code getBalance}). */
  public BigInteger lamports(String address) {
    return call("getBalance", address).path("value").bigIntegerValue();
  }

  /**
   * The status of a transaction as {@code getSignatureStatuses} (with {@code
   * searchTransactionHistory}) answers it, or {@code null} when the devnet has not seen it land.
   */
  public JsonNode signatureStatus(String signature) {
    Map<String, Object> config = Map.of("searchTransactionHistory", true);
    JsonNode value = call("getSignatureStatuses", List.of(signature), config).path("value").get(0);
    return value == null || value.isNull() ? null : value;
  }
}
