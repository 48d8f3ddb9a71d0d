package io.x402j.facilitator.testing;

import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An exact scheme that accepts and "settles" every payment it is given without a chain, and counts
 * what reached it: for tests of what the facilitator lets through to a scheme.
 */
public final class AcceptingScheme implements SchemeFacilitator {
  public static final Network NETWORK = Network.evm(84532);

  public final AtomicInteger verified = new AtomicInteger();
  public final AtomicInteger settled = new AtomicInteger();
  private final Network network;

  /** Accepts payments on {@link #NETWORK}. */
  public AcceptingScheme() {
    this(NETWORK);
  }

  /** Accepts payments on {@code network} (an EVM network). */
  public AcceptingScheme(Network network) {
    this.network = network;
  }

  @Override
  public String scheme() {
    return "exact";
  }

  @Override
  public NetworkPattern family() {
    return NetworkPattern.namespace(Network.EIP155);
  }

  @Override
  public List<Network> networks() {
    return List.of(network);
  }

  @Override
  public List<String> signers(Network network) {
    return List.of();
  }

  @Override
  public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
    verified.incrementAndGet();
    return CompletableFuture.completedFuture(VerifyResponse.valid("0x"));
  }

  @Override
  public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
    settled.incrementAndGet();
    return CompletableFuture.completedFuture(
        SettleResponse.success("0x" + "ab".repeat(32), network.toString(), "0x"));
  }

  /** Requirements paying {@code payTo} on {@link #NETWORK}. */
  public static PaymentRequirements requirements(String payTo) {
    return PaymentRequirements.builder()
        .network(NETWORK)
        .amount(io.x402j.core.TokenAmount.of(10_000))
        .asset("0x036CbD53842c5426634e7929541eC2318f3dCF7e")
        .payTo(payTo)
        .extra("name", "USDC")
        .extra("version", "2")
        .build();
  }

  /** A payment from {@code from} (spelt exactly so) to {@code payTo}; the signature is not real. */
  public static PaymentPayload payment(String from, PaymentRequirements requirements) {
    Map<String, Object> authorization = new LinkedHashMap<>();
    authorization.put("from", from);
    authorization.put("to", requirements.payTo());
    authorization.put("value", "10000");
    authorization.put("validAfter", "0");
    authorization.put("validBefore", "9999999999");
    authorization.put("nonce", "0x" + "11".repeat(32));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("signature", "0x" + "22".repeat(65));
    payload.put("authorization", authorization);
    return PaymentPayload.of(null, requirements, payload);
  }

  /** {@code address} with its first decimal digit written as a full-width digit (U+FF10..). */
  public static String fullWidth(String address) {
    for (int i = 2; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c >= '0' && c <= '9') {
        return address.substring(0, i) + (char) ('\uFF10' + (c - '0')) + address.substring(i + 1);
      }
    }
    throw new IllegalArgumentException("no decimal digit in " + address);
  }

  /** {@code address} with its first hex letter written as a full-width capital (U+FF21..). */
  public static String fullWidthLetter(String address) {
    for (int i = 2; i < address.length(); i++) {
      char c = Character.toLowerCase(address.charAt(i));
      if (c >= 'a' && c <= 'f') {
        return address.substring(0, i) + (char) ('\uFF21' + (c - 'a')) + address.substring(i + 1);
      }
    }
    throw new IllegalArgumentException("no hex letter in " + address);
  }
}
