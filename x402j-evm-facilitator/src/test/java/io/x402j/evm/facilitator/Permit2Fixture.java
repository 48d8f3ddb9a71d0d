package io.x402j.evm.facilitator;

import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.devnet.DevnetInfo;
import io.x402j.evm.Abi;
import io.x402j.evm.Eip2612;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Eip3009Calls;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.Permit2Witness;
import io.x402j.evm.Signer;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.settlement.InMemorySettlementLedger;
import io.x402j.settlement.SettlementLedger;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;

/**
 * Shared setup of the Permit2 integration tests on a started devnet: facilitators over its chain,
 * Permit2 permits (exact and upto) paying {@code seller} in one token (by default the devnet's),
 * the payment requests carrying them, and EIP-2612 gas-sponsoring infos. Every permit is valid from
 * ten minutes ago to ten minutes ahead.
 */
final class Permit2Fixture {
  static final BigInteger ETH = BigInteger.TEN.pow(18);
  static final BigInteger PRICE = BigInteger.valueOf(10_000);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DevnetInfo info;
  private final EvmAddress seller;
  private final EvmAddress token;
  private final String tokenName;
  private final String tokenVersion;

  /** Payments of the devnet's token (EIP-3009 and EIP-2612) to {@code seller}. */
  Permit2Fixture(DevnetInfo info, EvmAddress seller) {
    this(info, seller, info.token(), info.tokenName(), info.tokenVersion());
  }

  /** Payments of {@code token} (its EIP-712 name and version) to {@code seller}. */
  Permit2Fixture(
      DevnetInfo info, EvmAddress seller, EvmAddress token, String tokenName, String tokenVersion) {
    this.info = info;
    this.seller = seller;
    this.token = token;
    this.tokenName = tokenName;
    this.tokenVersion = tokenVersion;
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** A random Permit2 nonce (Permit2 nonces are unordered). */
  static BigInteger freshNonce() {
    return new BigInteger(200, RANDOM);
  }

  JsonRpcClient rpc() {
    return JsonRpcClient.builder(info.rpcUrl()).build();
  }

  /** The devnet's network with {@code signers} as gas accounts, to tune further. */
  EvmNetworkConfig.Builder network(Signer... signers) {
    EvmNetworkConfig.Builder network = EvmNetworkConfig.builder(info.networkInfo(), rpc());
    for (Signer signer : signers) {
      network.signer(signer);
    }
    return network;
  }

  ExactEvmFacilitator facilitator(SettlementLedger ledger, EvmNetworkConfig.Builder network) {
    return ExactEvmFacilitator.builder().network(network.build()).ledger(ledger).build();
  }

  ExactEvmFacilitator facilitator(SettlementLedger ledger, Signer... signers) {
    return facilitator(ledger, network(signers));
  }

  /** A facilitator with a ledger of its own. */
  ExactEvmFacilitator facilitator(Signer... signers) {
    return facilitator(new InMemorySettlementLedger(), signers);
  }

  Permit2Authorization exactPermit(Signer owner, BigInteger amount, BigInteger nonce) {
    return new Permit2Authorization(
        token,
        amount,
        owner.address(),
        Permit2.EXACT_PROXY,
        nonce,
        BigInteger.valueOf(now() + 600),
        Permit2Witness.exact(seller, BigInteger.valueOf(now() - 600)));
  }

  Permit2Authorization uptoPermit(
      Signer owner, BigInteger ceiling, EvmAddress facilitator, BigInteger nonce) {
    return new Permit2Authorization(
        token,
        ceiling,
        owner.address(),
        Permit2.UPTO_PROXY,
        nonce,
        BigInteger.valueOf(now() + 600),
        Permit2Witness.upto(seller, facilitator, BigInteger.valueOf(now() - 600)));
  }

  Permit2Payload sign(Signer owner, Permit2Authorization authorization) {
    return new Permit2Payload(
        Permit2.sign(owner, info.chainId(), authorization).toString(), authorization);
  }

  /** The payload map of {@code owner}'s signature over {@code authorization}. */
  Map<String, Object> signed(Signer owner, Permit2Authorization authorization) {
    return sign(owner, authorization).toMap();
  }

  /** Requirements of {@code amount} of the token to the seller, paid through Permit2. */
  PaymentRequirements requirements(String scheme, BigInteger amount) {
    return PaymentRequirements.builder()
        .scheme(scheme)
        .network(info.network())
        .amount(TokenAmount.of(amount))
        .asset(token.toString())
        .payTo(seller.toString())
        .maxTimeoutSeconds(60)
        .extra("name", tokenName)
        .extra("version", tokenVersion)
        .extra("assetTransferMethod", "permit2")
        .build();
  }

  /** A v2 request of {@code payload} (with {@code extensions}, null for none). */
  static SchemeRequest request(
      PaymentRequirements required,
      Map<String, Object> payload,
      Map<String, Object> extensions,
      String attempt) {
    return new SchemeRequest(
        2, new PaymentPayload(null, required, payload, extensions, Map.of()), required, attempt);
  }

  SchemeRequest request(String scheme, BigInteger amount, Map<String, Object> payload, String id) {
    return request(requirements(scheme, amount), payload, null, id);
  }

  /**
   * An exact Permit2 payment of {@link #PRICE} by {@code owner}, with {@code info2612} as its
   * eip2612GasSponsoring info (null: no extension).
   */
  SchemeRequest sponsored(Signer owner, Map<String, Object> info2612) {
    Map<String, Object> payload = signed(owner, exactPermit(owner, PRICE, freshNonce()));
    Map<String, Object> extensions =
        info2612 == null ? null : Map.of(Eip2612GasSponsoring.KEY, Map.of("info", info2612));
    return request(
        requirements("exact", PRICE), payload, extensions, "sponsor-it-" + UUID.randomUUID());
  }

  private BigInteger tokenUint(byte[] calldata) {
    String answer =
        rpc()
            .call("eth_call", Eip3009Calls.callObject(null, token, calldata), "latest")
            .join()
            .asText();
    return Abi.decodeUint(Hex.decode(answer), 0);
  }

  /** What {@code owner} allows Permit2 to spend of the token. */
  BigInteger permit2Allowance(EvmAddress owner) {
    return tokenUint(Permit2Calls.erc20Allowance(owner, Permit2.ADDRESS));
  }

  BigInteger eip2612Nonce(EvmAddress owner) {
    return tokenUint(Permit2Calls.eip2612Nonces(owner));
  }

  /** The extension info of {@code owner}'s EIP-2612 permit for Permit2 of {@code value}. */
  Map<String, Object> permitInfo(Signer owner, BigInteger value, long deadline) {
    BigInteger nonce = eip2612Nonce(owner.address());
    String signature =
        owner
            .sign(
                Eip2612.digest(
                    Eip2612.domainSeparator(tokenName, tokenVersion, info.chainId(), token),
                    owner.address(),
                    Permit2.ADDRESS,
                    value,
                    nonce,
                    BigInteger.valueOf(deadline)))
            .toString();
    return new Eip2612GasSponsoring(
            owner.address(),
            token,
            Permit2.ADDRESS,
            value,
            nonce,
            BigInteger.valueOf(deadline),
            signature,
            "1")
        .toMap();
  }
}
