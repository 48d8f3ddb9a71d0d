package io.x402j.evm.facilitator.internal;

import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls through Multicall3's {@code aggregate3} at its address on public chains (and on the x402j
 * devnet): several calls in one {@code eth_call} or transaction, each seeing the state the previous
 * ones left, which is how a counterfactual wallet is deployed and then used in one step. Not part
 * of the x402j API.
 */
public final class Multicall3 {
  /** Where Multicall3 lives on public chains. */
  public static final EvmAddress ADDRESS =
      EvmAddress.parse("0xcA11bde05977b3631167028862bE2a173976CA11");

  private static final byte[] AGGREGATE3 = Abi.selector("aggregate3((address,bool,bytes)[])");

  private Multicall3() {}

  /**
   * One call of a batch.
   *
   * @param target the contract
   * @param allowFailure whether the batch goes on when it reverts
   * @param data its calldata
   */
  public record Call(EvmAddress target, boolean allowFailure, byte[] data) {}

  /**
   * One call's result.
   *
   * @param success whether it returned
   * @param data its return or revert data
   */
  public record Result(boolean success, byte[] data) {}

  /** The calldata of {@code aggregate3(calls)}. */
  public static byte[] aggregate3(List<Call> calls) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(AGGREGATE3);
    out.writeBytes(Abi.word(BigInteger.valueOf(32))); // offset of the array
    out.writeBytes(Abi.word(BigInteger.valueOf(calls.size())));
    List<byte[]> tuples = new ArrayList<>();
    for (Call call : calls) {
      byte[] tuple =
          Abi.arguments()
              .address(call.target())
              .uint(call.allowFailure() ? 1 : 0)
              .bytes(call.data())
              .encode();
      tuples.add(tuple);
    }
    long offset = 32L * calls.size();
    for (byte[] tuple : tuples) {
      out.writeBytes(Abi.word(BigInteger.valueOf(offset)));
      offset += tuple.length;
    }
    tuples.forEach(out::writeBytes);
    return out.toByteArray();
  }

  /**
   * The results of an {@code aggregate3} call.
   *
   * @throws IllegalArgumentException when the data is not an array of {@code (bool, bytes)}, for
   *     example the empty answer of an address without code
   */
  public static List<Result> decode(byte[] data, int expected) {
    int array = AbiReader.offset(data, 0, "results offset");
    int count = AbiReader.offset(data, array, "results length");
    if (count != expected) {
      throw new IllegalArgumentException(
          "aggregate3 answered " + count + " results for " + expected + " calls");
    }
    int base = array + 32;
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int tuple = base + AbiReader.offset(data, base + 32 * i, "result offset");
      boolean success = AbiReader.word(data, tuple, "result success").signum() != 0;
      int bytesAt = tuple + AbiReader.offset(data, tuple + 32, "return data offset");
      results.add(new Result(success, AbiReader.bytesAt(data, bytesAt, "return data")));
    }
    return results;
  }
}
