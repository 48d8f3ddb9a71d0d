package io.x402j.cli;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.support.Text;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcException;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * Reads what a token says of itself over JSON-RPC: {@code decimals()} and {@code symbol()}, and its
 * EIP-712 domain ({@code name()}, {@code version()}) when it has one. What a contract says is not
 * trusted to be worth anything: a token read this way is never a USD stablecoin, whatever its
 * symbol; only a networks file can say that.
 */
final class TokenContract {
  /** Letters, digits and currency signs with a few separators: nothing that moves a terminal. */
  private static final Pattern SYMBOL = Pattern.compile("[\\p{L}\\p{N}\\p{Sc}._+-]{1,32}");

  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}\\p{Sc} ._+()-]{1,64}");

  private final JsonRpcClient rpc;

  private TokenContract(JsonRpcClient rpc) {
    this.rpc = rpc;
  }

  /** Reads tokens through the node at {@code rpcUrl}. */
  static TokenContract at(String rpcUrl) {
    return new TokenContract(
        JsonRpcClient.builder(rpcUrl)
            .timeout(Duration.ofSeconds(10))
            .maxAttempts(1)
            .readCoalescing(0, JsonRpcClient.DEFAULT_CALLS_PER_REQUEST)
            .build());
  }

  /** The node, safe to show: {@code scheme://host:port}. */
  String node() {
    return rpc.redactedUrl();
  }

  /**
   * The network the node serves, from {@code eth_chainId}.
   *
   * @throws IllegalArgumentException naming the node when it cannot say
   */
  Network network() {
    try {
      BigInteger id = Hex.parseQuantity(rpc.call("eth_chainId").join().asText());
      if (id.signum() <= 0 || id.bitLength() > 63) {
        throw new IllegalArgumentException("the node at " + node() + " gave chain ID " + id);
      }
      return Network.evm(id.longValueExact());
    } catch (CompletionException e) {
      throw new IllegalArgumentException(
          "cannot ask the node at " + node() + " for its chain ID: " + reason(e));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "the node at " + node() + " gave no usable chain ID: " + e.getMessage());
    }
  }

  /**
   * The token at {@code address} as its contract describes it.
   *
   * @throws IllegalArgumentException naming the token and what it did not answer
   */
  Asset read(EvmAddress address) {
    Map<String, String> calls = new LinkedHashMap<>();
    calls.put("decimals", "decimals()");
    calls.put("symbol", "symbol()");
    calls.put("name", "name()");
    calls.put("version", "version()");
    List<RpcResult> results;
    try {
      results =
          rpc.batch(calls.values().stream().map(signature -> ethCall(address, signature)).toList())
              .join();
    } catch (CompletionException e) {
      throw new IllegalArgumentException(
          "cannot read token " + address + " at " + node() + ": " + reason(e));
    }
    byte[] decimalsData =
        data(results.get(0))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "token "
                            + address
                            + " does not answer decimals() at "
                            + node()
                            + ": is it a token on this chain?"));
    byte[] symbolData =
        data(results.get(1))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "token " + address + " does not answer symbol() at " + node()));
    int decimals;
    String symbol;
    try {
      BigInteger d = Abi.decodeUint(decimalsData, 0);
      if (d.compareTo(BigInteger.valueOf(77)) > 0) {
        throw new IllegalArgumentException("decimals() is " + d + ", more than 77");
      }
      decimals = d.intValueExact();
      symbol = checkedSymbol(Abi.decodeString(symbolData, 0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "token " + address + " at " + node() + " is unreadable: " + e.getMessage());
    }
    String name = data(results.get(2)).flatMap(TokenContract::decodeName).orElse(null);
    String version = data(results.get(3)).flatMap(TokenContract::decodeName).orElse(null);
    if (name == null || version == null) {
      name = null;
      version = null;
    }
    return new Asset(address.toString(), symbol, decimals, name, version, false);
  }

  /**
   * {@code symbol} if it is one: 1 to 32 letters, digits, currency signs, {@code . _ + -}.
   *
   * @throws IllegalArgumentException otherwise, with the symbol quoted safely
   */
  static String checkedSymbol(String symbol) {
    if (symbol == null || !SYMBOL.matcher(symbol).matches()) {
      throw new IllegalArgumentException(
          "symbol "
              + Text.quote(symbol)
              + " must be 1 to 32 letters, digits, currency signs or . _ + -");
    }
    return symbol;
  }

  private static Optional<String> decodeName(byte[] data) {
    try {
      String text = Abi.decodeString(data, 0);
      return NAME.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static RpcCall ethCall(EvmAddress to, String signature) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", to.toLowerHex());
    call.put("data", Hex.encode(Abi.call(signature).encode()));
    return RpcCall.of("eth_call", call, "latest");
  }

  /** The return data of a call that succeeded with some, else empty. */
  private static Optional<byte[]> data(RpcResult result) {
    if (!result.ok() || !result.result().isTextual()) {
      return Optional.empty();
    }
    try {
      byte[] bytes = Hex.decode(result.result().asText());
      return bytes.length == 0 ? Optional.empty() : Optional.of(bytes);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String reason(CompletionException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return cause instanceof RpcException ? cause.getMessage() : cause.toString();
  }
}
