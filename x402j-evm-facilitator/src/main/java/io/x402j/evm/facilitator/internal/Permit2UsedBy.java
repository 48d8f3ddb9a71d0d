package io.x402j.evm.facilitator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.TokenAmount;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import io.x402j.settlement.SettlementState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transaction that used a Permit2 nonce when it was not ours: anyone who saw the signed
 * permit (in the pool, say) can call the exact proxy's {@code settle} with it first, and the owner
 * may have settled it elsewhere. Permit2 emits no event for a nonce a transfer uses, and the
 * proxies' {@code Settled()} carries no data, so the proof is the transaction itself: among the
 * token's {@code Transfer} events from the owner to the recipient in the last {@value #WINDOW}
 * blocks, one whose transaction is a direct call to the scheme's proxy ({@code settle} or {@code
 * settleWithPermit}) carrying this owner, nonce, token and recipient and this amount (for upto the
 * settled amount, for exact the permitted one), mined with status 1 and that very {@code Transfer}.
 * Permit2 uses a nonce once, so that call consumed ours: the payment is made. A call through
 * another contract, or older than the window, is not recognised (the failure stands). Not part of
 * the x402j API.
 */
final class Permit2UsedBy {
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  /** How many blocks back from the newest the search looks. */
  static final int WINDOW = 256;

  /** At most this many candidate transactions are read. */
  private static final int MAX_CANDIDATES = 16;

  private static final byte[] EXACT = Abi.selector(Permit2Calls.EXACT_SETTLE);
  private static final byte[] EXACT_WITH_PERMIT =
      Abi.selector(Permit2Calls.EXACT_SETTLE_WITH_PERMIT);
  private static final byte[] UPTO = Abi.selector(Permit2Calls.UPTO_SETTLE);
  private static final byte[] UPTO_WITH_PERMIT = Abi.selector(Permit2Calls.UPTO_SETTLE_WITH_PERMIT);

  private Permit2UsedBy() {}

  /**
   * The confirmed outcome of the transaction, other than {@code ours}, that settled this payment;
   * {@code null} when none is found or the node cannot say.
   */
  static CompletableFuture<Outcome> find(
      EvmChain chain,
      Permit2LedgerKey key,
      String scheme,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      String ours) {
    boolean upto = "upto".equals(scheme);
    EvmAddress proxy = upto ? Permit2.UPTO_PROXY : Permit2.EXACT_PROXY;
    return chain
        .rpc()
        .call("eth_blockNumber")
        .thenCompose(
            latest -> {
              BigInteger to = Hex.parseQuantity(latest.asText());
              BigInteger from = to.subtract(BigInteger.valueOf(WINDOW)).max(BigInteger.ZERO);
              Map<String, Object> filter =
                  Map.of(
                      "address",
                      asset.toLowerHex(),
                      "topics",
                      List.of(Eip3009Calls.TRANSFER_TOPIC, topic(key.owner()), topic(payTo)),
                      "fromBlock",
                      Hex.quantity(from),
                      "toBlock",
                      Hex.quantity(to));
              return chain.rpc().call("eth_getLogs", filter);
            })
        .thenCompose(
            logs -> {
              Set<String> hashes = new LinkedHashSet<>();
              if (logs != null && logs.isArray()) {
                for (JsonNode log : logs) {
                  String hash = log.path("transactionHash").asText().toLowerCase(Locale.ROOT);
                  if (!hash.isEmpty() && !hash.equalsIgnoreCase(ours)) {
                    hashes.add(hash);
                  }
                }
              }
              if (hashes.isEmpty()) {
                return CompletableFuture.completedFuture((Outcome) null);
              }
              List<String> candidates = new ArrayList<>(hashes);
              if (candidates.size() > MAX_CANDIDATES) {
                candidates =
                    candidates.subList(candidates.size() - MAX_CANDIDATES, candidates.size());
              }
              List<RpcCall> calls = new ArrayList<>();
              for (String hash : candidates) {
                calls.add(RpcCall.of("eth_getTransactionByHash", hash));
                calls.add(RpcCall.of("eth_getTransactionReceipt", hash));
              }
              List<String> read = candidates;
              return chain
                  .rpc()
                  .batch(calls)
                  .thenApply(
                      results -> {
                        for (int i = 0; i < read.size(); i++) {
                          Outcome theirs =
                              judge(
                                  key,
                                  upto,
                                  proxy,
                                  asset,
                                  payTo,
                                  amount,
                                  read.get(i),
                                  results.get(2 * i),
                                  results.get(2 * i + 1));
                          if (theirs != null) {
                            LOG.info(
                                "Permit2 settlement of owner {} nonce {} on {} was carried out by"
                                    + " transaction {} of another sender",
                                key.owner(),
                                key.nonce(),
                                key.network(),
                                read.get(i));
                            return theirs;
                          }
                        }
                        return null;
                      });
            })
        .exceptionally(e -> null); // the chain could not say
  }

  private static Outcome judge(
      Permit2LedgerKey key,
      boolean upto,
      EvmAddress proxy,
      EvmAddress asset,
      EvmAddress payTo,
      TokenAmount amount,
      String hash,
      RpcResult transaction,
      RpcResult receipt) {
    JsonNode sent = transaction.ok() ? transaction.result() : null;
    JsonNode mined = receipt.ok() ? receipt.result() : null;
    if (sent == null || sent.isNull() || mined == null || mined.isNull()) {
      return null;
    }
    if (!proxy.toLowerHex().equalsIgnoreCase(sent.path("to").asText())
        || !"0x1".equals(mined.path("status").asText())) {
      return null;
    }
    byte[] input;
    try {
      input = Hex.decode(sent.path("input").asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!carries(input, upto, key, asset, payTo, amount.value())
        || !Eip3009Calls.hasTransfer(mined, asset, key.owner(), payTo, amount.value())) {
      return null;
    }
    return new Outcome(
        SettlementState.CONFIRMED,
        new SettleReply(key.network().toString(), key.owner().toString()).settled(hash, amount));
  }

  /**
   * Whether proxy calldata settles this owner's nonce for this token, recipient and amount: {@code
   * settle} or {@code settleWithPermit} of the scheme's proxy, read from the static head (the
   * EIP-2612 permit's five words first when present; the signature is not read: Permit2 checked it
   * when the call succeeded).
   */
  static boolean carries(
      byte[] input,
      boolean upto,
      Permit2LedgerKey key,
      EvmAddress asset,
      EvmAddress payTo,
      BigInteger amount) {
    if (input.length < 4) {
      return false;
    }
    byte[] selector = Arrays.copyOfRange(input, 0, 4);
    int base;
    if (Arrays.equals(selector, upto ? UPTO : EXACT)) {
      base = 0;
    } else if (Arrays.equals(selector, upto ? UPTO_WITH_PERMIT : EXACT_WITH_PERMIT)) {
      base = 5;
    } else {
      return false;
    }
    byte[] args = Arrays.copyOfRange(input, 4, input.length);
    try {
      EvmAddress token = Abi.decodeAddress(args, base);
      BigInteger permitted = Abi.decodeUint(args, base + 1);
      BigInteger nonce = Abi.decodeUint(args, base + 2);
      int at = base + 4;
      BigInteger settled = permitted;
      if (upto) {
        settled = Abi.decodeUint(args, at);
        at++;
      }
      EvmAddress owner = Abi.decodeAddress(args, at);
      EvmAddress to = Abi.decodeAddress(args, at + 1);
      return token.equals(asset)
          && nonce.equals(key.nonce())
          && owner.equals(key.owner())
          && to.equals(payTo)
          && settled.equals(amount);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String topic(EvmAddress address) {
    return "0x" + "0".repeat(24) + address.toLowerHex().substring(2);
  }
}
