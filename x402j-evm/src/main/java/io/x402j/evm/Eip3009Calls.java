package io.x402j.evm;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Call data, event topics and decoding for the EIP-3009 token functions x402j uses (and ERC-1271 /
 * ERC-6492 signature checks), for code that reads or writes such tokens over RPC.
 */
public final class Eip3009Calls {
  /** {@code keccak256("Transfer(address,address,uint256)")}. */
  public static final String TRANSFER_TOPIC =
      Hex.encode(Keccak.hash("Transfer(address,address,uint256)"));

  /**
   * {@code keccak256("AuthorizationUsed(address,bytes32)")}, emitted when an authorization is used.
   */
  public static final String AUTHORIZATION_USED_TOPIC =
      Hex.encode(Keccak.hash("AuthorizationUsed(address,bytes32)"));

  /**
   * The parameter object of an {@code eth_getLogs} for the {@code AuthorizationUsed(authorizer,
   * nonce)} event of {@code asset} between two blocks (quantities).
   */
  public static Map<String, Object> authorizationUsedFilter(
      EvmAddress asset, EvmAddress authorizer, Bytes32 nonce, String fromBlock, String toBlock) {
    byte[] padded = new byte[32];
    System.arraycopy(authorizer.toBytes(), 0, padded, 12, 20);
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("address", asset.toLowerHex());
    filter.put("fromBlock", fromBlock);
    filter.put("toBlock", toBlock);
    filter.put(
        "topics",
        java.util.List.of(AUTHORIZATION_USED_TOPIC, Hex.encode(padded), nonce.toString()));
    return filter;
  }

  /** The ERC-1271 magic value, {@code isValidSignature.selector}. */
  public static final byte[] ERC1271_MAGIC = Abi.selector("isValidSignature(bytes32,bytes)");

  /** The 32-byte suffix that marks an ERC-6492 (counterfactual wallet) signature. */
  public static final byte[] ERC6492_SUFFIX = Hex.decode("0x" + "6492".repeat(16));

  private Eip3009Calls() {}

  /**
   * {@code transferWithAuthorization}: the {@code (v, r, s)} overload for a 65-byte signature (v
   * normalised to 27/28), the {@code bytes} overload for anything longer (smart wallets).
   */
  public static byte[] transferWithAuthorization(ExactEvmPayload payload) {
    Eip3009Authorization a = payload.authorization();
    if (payload.isEcdsaSignature()) {
      Signature signature = Signature.parse(payload.signature());
      return authorizationArguments(
              Abi.call(
                  "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"),
              a)
          .uint(signature.v())
          .bytes32(Abi.word(signature.r()))
          .bytes32(Abi.word(signature.s()))
          .encode();
    }
    return authorizationArguments(
            Abi.call(
                "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"),
            a)
        .bytes(payload.signatureBytes())
        .encode();
  }

  private static final List<byte[]> AUTHORIZATION_SELECTORS =
      List.of(
          Abi.selector(
              "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"),
          Abi.selector(
              "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"),
          Abi.selector(
              "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"),
          Abi.selector(
              "receiveWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"));

  /**
   * Whether {@code input}, the data of a transaction sent straight to the token, calls {@code
   * transferWithAuthorization} or {@code receiveWithAuthorization} for exactly this authorizer,
   * recipient, value and nonce. Only such a call ties the transaction's Transfer to this
   * authorization: a contract batching several authorizations could pair another payment's transfer
   * with this one's nonce.
   */
  public static boolean carriesAuthorization(
      byte[] input, EvmAddress from, EvmAddress to, BigInteger value, Bytes32 nonce) {
    if (input.length < 4 + 6 * 32) {
      return false;
    }
    byte[] selector = Arrays.copyOfRange(input, 0, 4);
    if (AUTHORIZATION_SELECTORS.stream().noneMatch(s -> Arrays.equals(s, selector))) {
      return false;
    }
    byte[] expected = Abi.call("x()").address(from).address(to).uint(value).encode();
    return Arrays.equals(
            Arrays.copyOfRange(input, 4, 4 + 96), Arrays.copyOfRange(expected, 4, 4 + 96))
        && Arrays.equals(Arrays.copyOfRange(input, 4 + 160, 4 + 192), nonce.toBytes());
  }

  private static Abi authorizationArguments(Abi call, Eip3009Authorization a) {
    return call.address(a.from())
        .address(a.to())
        .uint(a.value().value())
        .uint(a.validAfter())
        .uint(a.validBefore())
        .bytes32(a.nonce().toBytes());
  }

  /** {@code balanceOf(owner)}. */
  public static byte[] balanceOf(EvmAddress owner) {
    return Abi.call("balanceOf(address)").address(owner).encode();
  }

  /** {@code authorizationState(authorizer, nonce)}. */
  public static byte[] authorizationState(EvmAddress authorizer, Bytes32 nonce) {
    return Abi.call("authorizationState(address,bytes32)")
        .address(authorizer)
        .bytes32(nonce.toBytes())
        .encode();
  }

  /** {@code name()}. */
  public static byte[] name() {
    return Abi.call("name()").encode();
  }

  /** {@code version()}. */
  public static byte[] version() {
    return Abi.call("version()").encode();
  }

  /** {@code isValidSignature(hash, signature)} of ERC-1271. */
  public static byte[] isValidSignature(Bytes32 hash, byte[] signature) {
    return Abi.call("isValidSignature(bytes32,bytes)")
        .bytes32(hash.toBytes())
        .bytes(signature)
        .encode();
  }

  /** Whether a signature carries the ERC-6492 suffix. */
  public static boolean isErc6492(byte[] signature) {
    return signature.length > 32
        && Arrays.equals(
            Arrays.copyOfRange(signature, signature.length - 32, signature.length), ERC6492_SUFFIX);
  }

  /** The parameter object of an {@code eth_call} or {@code eth_estimateGas}. */
  public static Map<String, Object> callObject(EvmAddress from, EvmAddress to, byte[] data) {
    Map<String, Object> call = new LinkedHashMap<>();
    if (from != null) {
      call.put("from", from.toLowerHex());
    }
    call.put("to", to.toLowerHex());
    call.put("data", Hex.encode(data));
    return call;
  }

  /**
   * The parameter object of an {@code eth_estimateGas} for a transaction as it will be sent: with
   * the EIP-1559 fee fields it will carry, so the node checks the sender can pay for it.
   */
  public static Map<String, Object> transactionObject(
      EvmAddress from, EvmAddress to, byte[] data, BigInteger maxFeePerGas, BigInteger tip) {
    Map<String, Object> call = callObject(from, to, data);
    call.put("type", "0x2");
    call.put("maxFeePerGas", Hex.quantity(maxFeePerGas));
    call.put("maxPriorityFeePerGas", Hex.quantity(tip));
    return call;
  }

  /** Whether a receipt holds a {@code Transfer(from, to, value)} log emitted by {@code asset}. */
  public static boolean hasTransfer(
      JsonNode receipt, EvmAddress asset, EvmAddress from, EvmAddress to, BigInteger value) {
    for (JsonNode log : receipt.path("logs")) {
      JsonNode topics = log.path("topics");
      if (!asset.toLowerHex().equalsIgnoreCase(log.path("address").asText())
          || topics.size() != 3
          || !TRANSFER_TOPIC.equalsIgnoreCase(topics.get(0).asText())) {
        continue;
      }
      try {
        EvmAddress logFrom = Abi.decodeAddress(Hex.decode(topics.get(1).asText()), 0);
        EvmAddress logTo = Abi.decodeAddress(Hex.decode(topics.get(2).asText()), 0);
        BigInteger logValue = Abi.decodeUint(Hex.decode(log.path("data").asText()), 0);
        if (logFrom.equals(from) && logTo.equals(to) && logValue.equals(value)) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        // A malformed log is not the transfer we look for.
      }
    }
    return false;
  }
}
