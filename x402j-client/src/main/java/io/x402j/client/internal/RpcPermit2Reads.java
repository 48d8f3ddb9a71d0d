package io.x402j.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.client.PlannedPayment;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Reads;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Permit2Reads} over EVM JSON-RPC nodes: each node serves the networks its pattern names
 * that are its own chain ({@code eth_chainId}, asked once per node), so a node of another chain is
 * never asked about this one. Thread-safe.
 */
public final class RpcPermit2Reads implements Permit2Reads {
  private record Node(NetworkPattern networks, JsonRpcClient rpc) {}

  private final List<Node> nodes;
  private final Map<JsonRpcClient, Network> chains = new ConcurrentHashMap<>();

  private RpcPermit2Reads(List<Node> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Reads through the node at each URL, for the networks its pattern names. */
  public static RpcPermit2Reads of(Map<NetworkPattern, String> urls) {
    List<Node> nodes = new ArrayList<>();
    urls.forEach((pattern, url) -> nodes.add(new Node(pattern, client(url))));
    return new RpcPermit2Reads(nodes);
  }

  /** Reads through the given clients (for tests and callers with their own settings). */
  public static RpcPermit2Reads ofClients(Map<NetworkPattern, JsonRpcClient> clients) {
    List<Node> nodes = new ArrayList<>();
    clients.forEach((pattern, rpc) -> nodes.add(new Node(pattern, rpc)));
    return new RpcPermit2Reads(nodes);
  }

  private static JsonRpcClient client(String url) {
    return JsonRpcClient.builder(url).timeout(Duration.ofSeconds(10)).maxAttempts(2).build();
  }

  @Override
  public BigInteger permit2Allowance(Network network, EvmAddress token, EvmAddress owner) {
    JsonRpcClient rpc = node(network);
    byte[] data = call(rpc, token, Permit2Calls.erc20Allowance(owner, Permit2.ADDRESS));
    if (data.length < 32) {
      throw new IllegalStateException(
          "token " + token + " on " + network + " gave no allowance (is it an ERC-20 there?)");
    }
    return Abi.decodeUint(data, 0);
  }

  @Override
  public Optional<BigInteger> eip2612Nonce(Network network, EvmAddress token, EvmAddress owner) {
    JsonRpcClient rpc = node(network);
    RpcResult result = batchOne(rpc, ethCall(token, Permit2Calls.eip2612Nonces(owner)));
    if (!result.ok() || !result.result().isTextual()) {
      return Optional.empty(); // reverted: no nonces(address)
    }
    byte[] data = hex(result.result().asText(), rpc, "nonces");
    return data.length < 32 ? Optional.empty() : Optional.of(Abi.decodeUint(data, 0));
  }

  @Override
  public long transactionNonce(Network network, EvmAddress account) {
    JsonRpcClient rpc = node(network);
    JsonNode result = join(rpc, "eth_getTransactionCount", account.toLowerHex(), "pending");
    BigInteger nonce = quantity(result, rpc, "eth_getTransactionCount");
    if (nonce.bitLength() > 63) {
      throw new IllegalStateException(
          "the node at " + rpc.redactedUrl() + " gave nonce " + nonce + " for " + account);
    }
    return nonce.longValueExact();
  }

  @Override
  public Optional<Fees> fees(Network network) {
    JsonRpcClient rpc = node(network);
    try {
      BigInteger tip =
          quantity(join(rpc, "eth_maxPriorityFeePerGas"), rpc, "eth_maxPriorityFeePerGas");
      BigInteger base = quantity(join(rpc, "eth_gasPrice"), rpc, "eth_gasPrice");
      // As the usual wallets: room for the base fee to double, plus the tip.
      return Optional.of(new Fees(base.shiftLeft(1).add(tip), tip));
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
  }

  /**
   * Why {@code receipt} does not prove on chain that the {@code upto} payment settled exactly its
   * amount, or empty when it does: the receipt's transaction succeeded, was sent to the upto proxy
   * with {@code settle} of this very permit for that amount, carries the token's {@code Transfer}
   * of that amount from the payer to {@code payTo}, and the permit's Permit2 nonce is spent. Asks
   * the node of the payment's network only (never one the seller names).
   *
   * @throws IllegalStateException when the node cannot be asked
   */
  public Optional<String> uptoSettlementRefusal(
      PlannedPayment payment, Map<String, Object> payload, SettleResponse receipt) {
    PaymentRequirements r = payment.requirements();
    Network network = r.network();
    if (!network.toString().equals(receipt.network())) {
      return Optional.of("the receipt names network " + Text.quote(receipt.network()));
    }
    String hash = receipt.transaction();
    if (!Hex.isHex(hash, 32)) {
      return Optional.of("the receipt names no transaction hash");
    }
    Permit2Payload permit;
    EvmAddress token;
    EvmAddress payTo;
    try {
      permit = Permit2Payload.fromMap(payload).requireUpto();
      token = EvmAddress.parse(r.asset());
      payTo = EvmAddress.parse(r.payTo());
    } catch (IllegalArgumentException e) {
      return Optional.of("the payment is not an upto Permit2 payment: " + e.getMessage());
    }
    Permit2Authorization a = permit.authorization();
    if (!a.token().equals(token) || !payTo.equals(a.witness().to())) {
      return Optional.of("the permit is not for the offer's token and payTo");
    }
    BigInteger amount = receipt.amount().value();
    JsonRpcClient rpc = node(network);
    List<RpcResult> results;
    try {
      results =
          rpc.batch(
                  List.of(
                      RpcCall.of("eth_getTransactionByHash", hash),
                      RpcCall.of("eth_getTransactionReceipt", hash),
                      ethCall(
                          Permit2.ADDRESS, Permit2Calls.permit2NonceBitmap(a.from(), a.nonce()))))
              .join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "cannot ask the node at " + rpc.redactedUrl() + ": " + reason(e), e);
    }
    if (results.size() != 3 || !results.stream().allMatch(RpcResult::ok)) {
      return Optional.of("the node at " + rpc.redactedUrl() + " could not answer");
    }
    JsonNode tx = results.get(0).result();
    JsonNode mined = results.get(1).result();
    if (tx == null || !tx.isObject() || mined == null || !mined.isObject()) {
      return Optional.of("transaction " + hash + " is not mined on " + network);
    }
    if (!"0x1".equals(mined.path("status").asText())) {
      return Optional.of("transaction " + hash + " failed");
    }
    String to = tx.path("to").asText();
    if (!EvmAddress.isValid(to) || !Permit2.UPTO_PROXY.equals(EvmAddress.parse(to))) {
      return Optional.of("transaction " + hash + " was not sent to the upto proxy");
    }
    byte[] input;
    try {
      input = Hex.decode(tx.path("input").asText());
    } catch (IllegalArgumentException e) {
      return Optional.of("transaction " + hash + " has no readable input");
    }
    if (!java.util.Arrays.equals(input, Permit2Calls.uptoSettle(permit, amount))) {
      return Optional.of("transaction " + hash + " is not the settle of this permit for " + amount);
    }
    if (!Eip3009Calls.hasTransfer(mined, token, a.from(), payTo, amount)) {
      return Optional.of("transaction " + hash + " carries no transfer of " + amount + " to payTo");
    }
    JsonNode word = results.get(2).result();
    boolean spent;
    try {
      spent =
          word.isTextual()
              && Permit2Calls.isNonceUsed(hex(word.asText(), rpc, "nonceBitmap"), a.nonce());
    } catch (IllegalArgumentException e) {
      spent = false;
    }
    if (!spent) {
      return Optional.of("the permit's Permit2 nonce is not spent");
    }
    return Optional.empty();
  }

  /** The node serving {@code network}: the first whose pattern names it and whose chain it is. */
  private JsonRpcClient node(Network network) {
    List<String> others = new ArrayList<>();
    for (Node node : nodes) {
      if (!node.networks().matches(network)) {
        continue;
      }
      Network chain = chains.computeIfAbsent(node.rpc(), RpcPermit2Reads::chainOf);
      if (chain.equals(network)) {
        return node.rpc();
      }
      others.add(node.rpc().redactedUrl() + " serves " + chain);
    }
    throw new IllegalStateException(
        "no EVM node for "
            + network
            + (others.isEmpty() ? " was given" : " was given (" + String.join(", ", others) + ")"));
  }

  private static Network chainOf(JsonRpcClient rpc) {
    BigInteger id = quantity(join(rpc, "eth_chainId"), rpc, "eth_chainId");
    if (id.signum() <= 0 || id.bitLength() > 63) {
      throw new IllegalStateException("the node at " + rpc.redactedUrl() + " gave chain ID " + id);
    }
    return Network.evm(id.longValueExact());
  }

  private static byte[] call(JsonRpcClient rpc, EvmAddress to, byte[] data) {
    RpcResult result = batchOne(rpc, ethCall(to, data));
    if (!result.ok()) {
      throw new IllegalStateException(
          "eth_call to "
              + to
              + " failed at "
              + rpc.redactedUrl()
              + ": "
              + Text.quote(result.error().message()));
    }
    if (!result.result().isTextual()) {
      throw new IllegalStateException(
          "eth_call to " + to + " at " + rpc.redactedUrl() + " gave no data");
    }
    return hex(result.result().asText(), rpc, "eth_call");
  }

  private static RpcCall ethCall(EvmAddress to, byte[] data) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", to.toLowerHex());
    call.put("data", Hex.encode(data));
    return RpcCall.of("eth_call", call, "latest");
  }

  private static RpcResult batchOne(JsonRpcClient rpc, RpcCall call) {
    try {
      return rpc.batch(List.of(call)).join().get(0);
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "cannot ask the node at " + rpc.redactedUrl() + ": " + reason(e), e);
    }
  }

  private static JsonNode join(JsonRpcClient rpc, String method, Object... params) {
    try {
      return rpc.call(method, params).join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          method + " failed at " + rpc.redactedUrl() + ": " + reason(e), e);
    }
  }

  private static BigInteger quantity(JsonNode node, JsonRpcClient rpc, String method) {
    try {
      return Hex.parseQuantity(node.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          method + " at " + rpc.redactedUrl() + " gave no quantity: " + Text.quote(node.asText()));
    }
  }

  private static byte[] hex(String text, JsonRpcClient rpc, String what) {
    try {
      return Hex.decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          what + " at " + rpc.redactedUrl() + " gave no hex data: " + Text.quote(text));
    }
  }

  private static String reason(CompletionException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
