package io.x402j.evm.facilitator.internal;

import io.x402j.core.support.Futures;
import io.x402j.evm.rpc.RpcError;
import io.x402j.evm.rpc.RpcException;
import java.util.List;
import java.util.Locale;

/**
 * Why a node refused a transaction (or its gas estimate), read once from the node's words. Nodes
 * say it in prose, each client its own way, so every spelling x402j knows is listed here and only
 * here; the settlement and the reconciler decide on the constant. Not part of the x402j API.
 */
public enum NodeRefusal {
  /** The node already holds this very transaction: it arrived, and is waiting or mined. */
  ALREADY_KNOWN("already known", "known transaction", "already imported", "alreadyknown"),
  /**
   * Another transaction holds the nonce, mined ("nonce too low") or waiting in the pool with a
   * higher fee (a replacement refused): this one cannot go in with that nonce.
   */
  NONCE_TAKEN("nonce too low", "replacement", "already exists", "oldnonce"),
  /** The sender cannot pay for the gas. */
  INSUFFICIENT_FUNDS("insufficient funds", "insufficientfunds"),
  /** Any other refusal (fees, size, a revert), or words x402j does not know. */
  OTHER;

  private final List<String> spellings;

  NodeRefusal(String... spellings) {
    this.spellings = List.of(spellings);
  }

  /** The refusal a node's message states; {@link #OTHER} for {@code null} or unknown prose. */
  public static NodeRefusal of(String nodeMessage) {
    if (nodeMessage == null) {
      return OTHER;
    }
    String text = nodeMessage.toLowerCase(Locale.ROOT);
    for (NodeRefusal refusal : values()) {
      for (String spelling : refusal.spellings) {
        if (text.contains(spelling)) {
          return refusal;
        }
      }
    }
    return OTHER;
  }

  /** The refusal in a JSON-RPC error object. */
  public static NodeRefusal of(RpcError error) {
    return error == null ? OTHER : of(error.message());
  }

  /**
   * The refusal a failed call carries: the node's error object, or the body of an HTTP error the
   * node answered with. A failure the node said nothing about (unreachable, timed out, not an RPC
   * failure at all) is {@link #OTHER}.
   */
  public static NodeRefusal of(Throwable failure) {
    Throwable cause = failure == null ? null : Futures.unwrap(failure);
    if (!(cause instanceof RpcException)) {
      return OTHER;
    }
    RpcException rpc = (RpcException) cause;
    switch (rpc.kind()) {
      case RPC_ERROR:
        return of(rpc.error());
      case HTTP_STATUS:
        return of(rpc.getMessage());
      default:
        return OTHER;
    }
  }
}
