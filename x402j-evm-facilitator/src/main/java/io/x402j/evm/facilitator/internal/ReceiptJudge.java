package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.describe;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.core.ErrorReason;
import io.x402j.core.TokenAmount;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.ExactEvmFacilitator.Revert;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.settlement.SettlementState;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what a mined settlement transaction means for its payment. Invariants: a receipt confirms a
 * payment only with status {@code 0x1} and the token's {@code Transfer} of exactly the payment's
 * amount from the payer to the recipient; anything else mined is a failure. A failed receipt is
 * explained by the token's {@code AuthorizationUsed} event: when another sender's transaction
 * carried this very authorization in a direct call to the token and its receipt shows the transfer,
 * the payment is confirmed by that transaction (a front-run), never failed. Every failure that
 * stands is reported to the revert listener once per observation; a throwing listener never changes
 * the outcome. Not part of the x402j API.
 */
final class ReceiptJudge {
  /** Logged under the facade's name, as before the split, so logging configurations still apply. */
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private final Consumer<Revert> onRevert;

  ReceiptJudge(Consumer<Revert> onRevert) {
    this.onRevert = onRevert;
  }

  /**
   * A reverted settlement may have lost a race to a copy of the same authorization: anyone who saw
   * the signed transfer (in the pool, say) can submit it first. If the token says the authorization
   * was used, by a transaction that moved exactly this payment to this recipient, the payment is
   * settled — by that transaction — and the payer did nothing wrong. Otherwise the outcome stands.
   */
  CompletableFuture<Outcome> explained(
      EvmChain chain,
      EvmLedgerKey key,
      EvmAddress payTo,
      TokenAmount value,
      JsonNode receipt,
      Outcome outcome) {
    if (outcome.state() != SettlementState.FAILED || !receipt.hasNonNull("blockNumber")) {
      return done(outcome);
    }
    BigInteger block = Hex.parseQuantity(receipt.get("blockNumber").asText());
    return usedBy(chain, key, payTo, value, block, 256)
        .thenApply(theirs -> theirs != null ? theirs : outcome);
  }

  /**
   * The settlement some transaction made of this authorization, found by the token's {@code
   * AuthorizationUsed} event in the {@code window} blocks up to {@code toBlock}: a confirmed
   * outcome when that transaction moved exactly this payment to this recipient; otherwise, or when
   * the node cannot say, {@code null}.
   */
  CompletableFuture<Outcome> usedBy(
      EvmChain chain,
      EvmLedgerKey key,
      EvmAddress payTo,
      TokenAmount value,
      BigInteger toBlock,
      int window) {
    BigInteger from = toBlock.subtract(BigInteger.valueOf(window)).max(BigInteger.ZERO);
    return chain
        .rpc()
        .call(
            "eth_getLogs",
            Eip3009Calls.authorizationUsedFilter(
                key.asset(), key.payer(), key.nonce(), Hex.quantity(from), Hex.quantity(toBlock)))
        .thenCompose(
            logs -> {
              if (logs == null || !logs.isArray() || logs.isEmpty()) {
                return done((Outcome) null);
              }
              String used = logs.get(0).path("transactionHash").asText();
              return chain
                  .rpc()
                  .batch(
                      List.of(
                          RpcCall.of("eth_getTransactionReceipt", used),
                          RpcCall.of("eth_getTransactionByHash", used)))
                  .thenApply(
                      results -> {
                        JsonNode other = results.get(0).ok() ? results.get(0).result() : null;
                        JsonNode sent = results.get(1).ok() ? results.get(1).result() : null;
                        if (other == null || other.isNull() || sent == null || sent.isNull()) {
                          return null;
                        }
                        // Only a direct call to the token with this very authorization ties the
                        // receipt's Transfer to it (a batching contract could pair another
                        // payment's transfer with this nonce).
                        if (!key.asset().toLowerHex().equalsIgnoreCase(sent.path("to").asText())
                            || !Eip3009Calls.carriesAuthorization(
                                Hex.decode(sent.path("input").asText()),
                                key.payer(),
                                payTo,
                                value.value(),
                                key.nonce())) {
                          return null;
                        }
                        Outcome theirs = judge(key, payTo, value, other, used);
                        if (theirs.state() != SettlementState.CONFIRMED) {
                          return null;
                        }
                        LOG.info(
                            "settlement of payer {} nonce {} on {} was carried out by"
                                + " transaction {} of another sender",
                            key.payer(),
                            key.nonce(),
                            key.network(),
                            used);
                        return theirs;
                      });
            })
        .exceptionally(e -> null); // the chain could not say
  }

  /** Tells the revert listener about a mined transaction that moved no money. */
  Outcome reported(EvmLedgerKey key, Outcome outcome, String hash) {
    if (outcome.state() == SettlementState.FAILED) {
      LOG.warn(
          "settlement transaction {} of payer {} on {} was mined but moved no money: {}",
          hash,
          key.payer(),
          key.network(),
          outcome.response().errorReason());
      try {
        onRevert.accept(new Revert(key.network(), key.asset(), key.payer(), hash));
      } catch (RuntimeException e) {
        LOG.error("the revert listener failed: {}", describe(e));
      }
    }
    return outcome;
  }

  /** What a receipt means: success only with status 1 and the expected Transfer event. */
  static Outcome judge(
      EvmLedgerKey key, EvmAddress payTo, TokenAmount value, JsonNode receipt, String hash) {
    SettleReply reply = new SettleReply(key.network().toString(), key.payer().toString());
    if (!"0x1".equals(receipt.path("status").asText())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(
              hash, ErrorReason.EXACT_EVM_TRANSACTION_FAILED, "transaction " + hash + " reverted"));
    }
    if (!Eip3009Calls.hasTransfer(receipt, key.asset(), key.payer(), payTo, value.value())) {
      return new Outcome(
          SettlementState.FAILED,
          reply.failedIn(
              hash,
              ErrorReason.EXACT_EVM_TRANSFER_EVENT_MISMATCH,
              "transaction " + hash + " emitted no Transfer of " + value + " to " + payTo));
    }
    return new Outcome(SettlementState.CONFIRMED, reply.settled(hash, value));
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
