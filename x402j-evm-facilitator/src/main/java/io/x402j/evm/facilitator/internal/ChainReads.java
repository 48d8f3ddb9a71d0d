package io.x402j.evm.facilitator.internal;

import io.x402j.core.support.Futures;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.rpc.RpcCall;
import io.x402j.evm.rpc.RpcResult;
import java.math.BigInteger;

/**
 * How the facilitator words its reads of a chain, and how it reads the answers: a value that does
 * not decode reads as absent ({@code null}, {@code false}), never as an exception, so one odd
 * answer in a batch decides nothing by itself. Not part of the x402j API.
 */
public final class ChainReads {
  private ChainReads() {}

  /** An {@code eth_call} of {@code data} on {@code to} at the latest block. */
  public static RpcCall ethCall(EvmAddress from, EvmAddress to, byte[] data) {
    return RpcCall.of("eth_call", Eip3009Calls.callObject(from, to, data), "latest");
  }

  /** Whether an {@code eth_getCode} answer shows code. */
  public static boolean hasCode(RpcResult code) {
    if (!code.ok() || code.result() == null) {
      return false;
    }
    String text = code.result().asText();
    return text.length() > 2 && !text.matches("0x0*");
  }

  /** An ABI {@code bool}; {@code false} when it does not decode. */
  public static boolean decodeBool(RpcResult result) {
    try {
      return Abi.decodeBool(Hex.decode(result.result().asText()), 0);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A JSON-RPC quantity; {@code null} when it does not decode. */
  public static BigInteger decodeQuantity(RpcResult result) {
    try {
      return Hex.parseQuantity(result.result().asText());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** An ABI {@code uint256}; {@code null} when it does not decode. */
  public static BigInteger decodeUint(RpcResult result) {
    try {
      return Abi.decodeUint(Hex.decode(result.result().asText()), 0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** An ABI {@code string}; {@code null} when the call failed or it does not decode. */
  public static String decodeString(RpcResult result) {
    if (result == null || !result.ok()) {
      return null;
    }
    try {
      return Abi.decodeString(Hex.decode(result.result().asText()), 0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** What went wrong with a read, for answers and logs: the cause's message, or its type. */
  public static String describe(Throwable error) {
    Throwable t = Futures.unwrap(error);
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
