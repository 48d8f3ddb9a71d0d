package io.x402j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.client.EvmNodeReads;
import io.x402j.client.PlannedPayment;
import io.x402j.core.Network;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Reads;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import io.x402j.evm.rpc.JsonRpcClient;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * What {@code pay} does about the payer's Permit2 allowance: reads it for a Permit2 offer ({@code
 * exact} with {@code extra.assetTransferMethod "permit2"}, or {@code upto}) and, only when asked
 * with {@code --approve-permit2}, sends {@code token.approve(Permit2, amount)} from the payer's key
 * and waits for it to be mined.
 */
final class Permit2Approval {
  /** Gas for an ERC-20 approve when the node cannot estimate it. */
  static final long APPROVE_GAS = 100_000;

  /** How long to wait for the approval to be mined. */
  static final Duration MINED_WITHIN = Duration.ofMinutes(2);

  private final JsonRpcClient rpc;
  private final Permit2Reads reads;
  private final Network network;

  private Permit2Approval(String url, Network network) {
    this.rpc = JsonRpcClient.builder(url).timeout(Duration.ofSeconds(20)).maxAttempts(1).build();
    this.reads = EvmNodeReads.of(network, rpc);
    this.network = network;
  }

  /** The approval helper for the node at {@code url} of {@code network}. */
  static Permit2Approval at(String url, Network network) {
    return new Permit2Approval(url, network);
  }

  /** Whether {@code offer} is paid through Permit2 (and so needs the payer's allowance). */
  static boolean usesPermit2(PlannedPayment offer) {
    PaymentRequirements r = offer.requirements();
    if (!r.network().isEvm()) {
      return false;
    }
    if ("upto".equals(r.scheme())) {
      return true;
    }
    try {
      return "exact".equals(r.scheme()) && ExactEvmClient.usesPermit2(r);
    } catch (IllegalArgumentException e) {
      return false; // an unknown method: the client refuses it with its own message
    }
  }

  /**
   * The payer's allowance of Permit2 for the token of {@code offer}.
   *
   * @throws IllegalStateException naming the node when it cannot say
   */
  BigInteger allowance(PlannedPayment offer, EvmAddress owner) {
    return reads.permit2Allowance(network, token(offer), owner);
  }

  /** The token of a Permit2 offer. */
  static EvmAddress token(PlannedPayment offer) {
    return EvmAddress.parse(offer.requirements().asset());
  }

  /**
   * Sends {@code token.approve(Permit2, amount)} signed by {@code signer} and waits for its
   * receipt.
   *
   * @return the transaction hash
   * @throws IOException when the node refuses it, it reverts or is not mined in time
   */
  String approve(PrivateKeySigner signer, EvmAddress token, BigInteger amount)
      throws IOException, InterruptedException {
    byte[] data = Permit2Calls.erc20Approve(Permit2.ADDRESS, amount);
    try {
      long nonce = reads.transactionNonce(network, signer.address());
      Permit2Reads.Fees fees = reads.fees(network).orElse(Permit2Reads.Fees.DEFAULT);
      Eip1559Transaction tx =
          new Eip1559Transaction(
              network.chainId(),
              nonce,
              fees.maxPriorityFeePerGas(),
              fees.maxFeePerGas(),
              gas(signer.address(), token, data),
              token,
              BigInteger.ZERO,
              data);
      Signature signature = signer.sign(tx.signingHash());
      String hash =
          rpc.call("eth_sendRawTransaction", Hex.encode(tx.encodeSigned(signature)))
              .join()
              .asText();
      JsonNode receipt = awaitReceipt(hash);
      if (!"0x1".equals(receipt.path("status").asText())) {
        throw new IOException("the approval " + hash + " reverted");
      }
      return hash;
    } catch (CompletionException | IllegalStateException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      throw new IOException(
          "cannot approve Permit2 at " + rpc.redactedUrl() + ": " + cause.getMessage(), cause);
    }
  }

  private long gas(EvmAddress from, EvmAddress token, byte[] data) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("from", from.toLowerHex());
    call.put("to", token.toLowerHex());
    call.put("data", Hex.encode(data));
    try {
      BigInteger estimate = Hex.parseQuantity(rpc.call("eth_estimateGas", call).join().asText());
      // Some room over the estimate, as wallets do.
      return Optional.of(estimate.multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN))
          .filter(g -> g.bitLength() < 32)
          .map(BigInteger::longValueExact)
          .orElse(APPROVE_GAS);
    } catch (CompletionException | IllegalArgumentException e) {
      return APPROVE_GAS;
    }
  }

  private JsonNode awaitReceipt(String hash) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + MINED_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode receipt = rpc.call("eth_getTransactionReceipt", hash).join();
      if (receipt != null && !receipt.isNull()) {
        return receipt;
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "the approval " + hash + " was not mined within " + MINED_WITHIN.toSeconds() + " s");
  }
}
