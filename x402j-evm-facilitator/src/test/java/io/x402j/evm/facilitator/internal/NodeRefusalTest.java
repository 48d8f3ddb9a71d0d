package io.x402j.evm.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.evm.rpc.RpcError;
import io.x402j.evm.rpc.RpcException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node prose is read into one refusal, whichever client wrote it: the settlement and the reconciler
 * act on the same reading of the same words.
 */
class NodeRefusalTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "already known", // geth, erigon: the pool holds this very transaction
        "known transaction: 4f3a0c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a19", // geth <1.9
        "Known transaction", // the same, capitalised
        "transaction already imported", // anvil, reth: a second send of a pooled transaction
        "AlreadyKnown", // nethermind
      })
  void theNodeHoldingTheTransactionIsAlreadyKnown(String message) {
    assertThat(NodeRefusal.of(message)).isEqualTo(NodeRefusal.ALREADY_KNOWN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nonce too low", // anvil, erigon
        "nonce too low: address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, tx: 3 state: 5", // geth
        "Nonce too low", // capitalised
        "replacement transaction underpriced", // geth, anvil: a pooled transaction has the nonce
        "replacement fee too low", // the reconciler's wider reading: any refused replacement
        "transaction with the same nonce already exists",
        "OldNonce, Current nonce: 5, nonce of rejected tx: 3", // nethermind
      })
  void anotherTransactionHoldingTheNonceIsNonceTaken(String message) {
    assertThat(NodeRefusal.of(message)).isEqualTo(NodeRefusal.NONCE_TAKEN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "insufficient funds for gas * price + value", // geth, anvil
        "insufficient funds for gas * price + value: address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
            + " have 0 want 21000000000000", // geth 1.10+
        "Insufficient funds for gas * price + value", // capitalised
        "InsufficientFunds, Account balance: 0, cumulative cost: 21000", // nethermind
        "err: insufficient funds for gas * price + value: address 0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
            + " have 0 want 2100000 (supplied gas 30000000)", // geth eth_estimateGas with fee
        // fields
      })
  void aSenderWhoCannotPayForGasIsInsufficientFunds(String message) {
    assertThat(NodeRefusal.of(message)).isEqualTo(NodeRefusal.INSUFFICIENT_FUNDS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "transaction underpriced", // geth: below the pool's minimum, not a replacement
        "max fee per gas less than block base fee: address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,"
            + " maxFeePerGas: 1 baseFee: 7",
        "execution reverted: FiatTokenV2: invalid signature",
        "intrinsic gas too low",
        "",
      })
  void otherWordsAreOther(String message) {
    assertThat(NodeRefusal.of(message)).isEqualTo(NodeRefusal.OTHER);
  }

  @Test
  void nothingSaidIsOther() {
    assertThat(NodeRefusal.of((String) null)).isEqualTo(NodeRefusal.OTHER);
    assertThat(NodeRefusal.of((RpcError) null)).isEqualTo(NodeRefusal.OTHER);
    assertThat(NodeRefusal.of((Throwable) null)).isEqualTo(NodeRefusal.OTHER);
  }

  @Test
  void aFailedCallIsReadFromTheNodesErrorObjectThroughFutureWrappers() {
    RpcException refused =
        new RpcException(
            RpcException.Kind.RPC_ERROR,
            "eth_sendRawTransaction",
            0,
            new RpcError(-32000, "nonce too low", null),
            "eth_sendRawTransaction failed on http://node: -32000 nonce too low",
            null);

    assertThat(NodeRefusal.of(new CompletionException(refused))).isEqualTo(NodeRefusal.NONCE_TAKEN);
  }

  @Test
  void anHttpErrorIsReadFromItsBody() {
    RpcException http =
        new RpcException(
            RpcException.Kind.HTTP_STATUS,
            "eth_sendRawTransaction",
            500,
            null,
            "eth_sendRawTransaction on http://node failed with HTTP 500:"
                + " '{\"error\":{\"code\":-32000,\"message\":\"already known\"}}'",
            null);

    assertThat(NodeRefusal.of(http)).isEqualTo(NodeRefusal.ALREADY_KNOWN);
  }

  @Test
  void aFailureTheNodeSaidNothingAboutIsOther() {
    RpcException timeout =
        new RpcException(
            RpcException.Kind.TIMEOUT,
            "eth_sendRawTransaction",
            0,
            null,
            "eth_sendRawTransaction on http://node timed out",
            null);

    assertThat(NodeRefusal.of(timeout)).isEqualTo(NodeRefusal.OTHER);
    assertThat(NodeRefusal.of(new IllegalStateException("nonce too low")))
        .isEqualTo(NodeRefusal.OTHER);
  }
}
