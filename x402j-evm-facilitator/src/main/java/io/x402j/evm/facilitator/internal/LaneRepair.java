package io.x402j.evm.facilitator.internal;

import static io.x402j.evm.facilitator.internal.ChainReads.describe;

import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.facilitator.ExactEvmFacilitator;
import io.x402j.evm.facilitator.internal.FeeQuote.Quote;
import java.math.BigInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a nonce lane needs after the node refused one of its transactions, the same for every
 * settlement path that shares the signer's lane (EIP-3009, Permit2, funding): the node's count when
 * the nonce was taken, and a filled gap when a released nonce sits below one in flight.
 */
final class LaneRepair {
  private static final Logger LOG = LoggerFactory.getLogger(ExactEvmFacilitator.class);

  private LaneRepair() {}

  /** Sets the lane's next nonce from the node's pending transaction count. */
  static CompletableFuture<Void> resync(EvmChain chain, NonceLane lane) {
    return chain
        .rpc()
        .call("eth_getTransactionCount", lane.signer().address().toLowerHex(), "pending")
        .thenAccept(count -> lane.resync(Hex.parseQuantity(count.asText()).longValueExact()));
  }

  /**
   * Gives back {@code accountNonce} of a transaction that provably went nowhere; when higher nonces
   * are already in flight behind it, sends a zero-value transfer to the signer itself with it, so
   * they are not stuck until a settlement happens to reuse it.
   */
  static void release(
      EvmChain chain, NonceLane lane, long accountNonce, Quote quote, Executor blocking) {
    if (lane.release(accountNonce)) {
      fillGap(chain, lane, accountNonce, quote, blocking);
    }
  }

  private static void fillGap(
      EvmChain chain, NonceLane lane, long releasedNonce, Quote quote, Executor blocking) {
    CompletableFuture.runAsync(
            () -> {
              // Take the released nonce back so no settlement reuses it meanwhile.
              long nonce = lane.allocate();
              if (nonce != releasedNonce) {
                lane.release(nonce);
                return; // a settlement already reused the gap
              }
              EvmAddress self = lane.signer().address();
              Eip1559Transaction tx =
                  new Eip1559Transaction(
                      chain.config().network().chainId(),
                      nonce,
                      quote.maxPriorityFeePerGas(),
                      quote.maxFeePerGas(),
                      21_000,
                      self,
                      BigInteger.ZERO,
                      new byte[0]);
              byte[] raw = tx.encodeSigned(lane.signer().sign(tx.signingHash()));
              chain.rpc().call("eth_sendRawTransaction", Hex.encode(raw)).join();
              LOG.info("filled nonce gap {} of {} with a no-op transaction", nonce, self);
            },
            blocking)
        .exceptionally(
            e -> {
              LOG.warn("could not fill nonce gap {}: {}", releasedNonce, describe(e));
              return null;
            });
  }
}
