package io.x402j.evm;

import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.Price;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.AssetAmount;
import io.x402j.core.scheme.PaymentIdentity;
import io.x402j.core.scheme.SchemeServer;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Prices exact-scheme requirements on EVM networks: resolves a {@link Price} to a token of the
 * network (the one the price names by symbol, else the default, USDC on public networks) and puts
 * the token's EIP-712 {@code name} and {@code version} in {@code extra}, as payers need them to
 * sign. A payment's identity is its token, payer and authorization nonce as parsed values (see
 * {@link #identify}). Thread-safe.
 *
 * <p>{@link #withPermit2()} (every asset) or {@link #withPermit2For} (chosen assets) makes the
 * server ask for Permit2 instead of EIP-3009: {@code extra} is then {@code {name, version,
 * assetTransferMethod: "permit2"}} when the token has an EIP-712 domain (payers use it for an
 * EIP-2612 gas-sponsoring permit) and {@code {assetTransferMethod: "permit2"}} otherwise, as
 *
 * @x402/evm's server writes it. Permit2 works with any ERC-20, so tokens without EIP-3009 can be
 *     charged.
 */
public final class ExactEvmServer implements SchemeServer {
  private final NetworkRegistry networks;
  private final Predicate<Asset> permit2;

  /** A server pricing with the tokens of {@code networks}, asking for EIP-3009. */
  public ExactEvmServer(NetworkRegistry networks) {
    this(networks, asset -> false);
  }

  private ExactEvmServer(NetworkRegistry networks, Predicate<Asset> permit2) {
    this.networks = Objects.requireNonNull(networks, "networks");
    this.permit2 = Objects.requireNonNull(permit2, "permit2");
  }

  /**
   * This server asking for Permit2 ({@code extra.assetTransferMethod "permit2"}) for every asset.
   */
  public ExactEvmServer withPermit2() {
    return new ExactEvmServer(networks, asset -> true);
  }

  /**
   * This server asking for Permit2 for the assets {@code which} accepts, EIP-3009 for the others.
   */
  public ExactEvmServer withPermit2For(Predicate<Asset> which) {
    return new ExactEvmServer(networks, Objects.requireNonNull(which, "which"));
  }

  /** Whether this server asks for Permit2 when charging in {@code asset}. */
  public boolean usesPermit2(Asset asset) {
    return permit2.test(asset);
  }

  @Override
  public String scheme() {
    return "exact";
  }

  /**
   * Resolves {@code price} on {@code network}.
   *
   * @throws IllegalArgumentException when the network is unknown, has no such token, or the price
   *     cannot be charged in it
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network) {
    Asset asset = resolveAsset(networks, price, network);
    return permit2.test(asset) ? forPermit2Asset(price, asset) : forAsset(price, asset);
  }

  /** The asset {@code price} names on {@code network}, else the network's default. */
  static Asset resolveAsset(NetworkRegistry networks, Price price, Network network) {
    if (!network.isEvm()) {
      throw new IllegalArgumentException("network " + network + " is not an EVM network");
    }
    Asset asset;
    if (price.symbol().isPresent()) {
      String symbol = price.symbol().get();
      asset =
          networks
              .findAsset(network, symbol)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "price "
                              + Text.quote(price.toString())
                              + " names "
                              + symbol
                              + ", which is not a known token on "
                              + network));
    } else {
      asset =
          networks
              .defaultAsset(network)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "network "
                              + network
                              + " has no default token; give the asset explicitly"));
    }
    return asset;
  }

  /**
   * Resolves {@code price} in {@code asset} on an EVM network; a bare whole number is atomic units.
   *
   * @throws IllegalArgumentException when the network is not EVM, the asset address is not an
   *     address, or the price cannot be charged in the asset
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network, Asset asset) {
    if (!network.isEvm()) {
      throw new IllegalArgumentException("network " + network + " is not an EVM network");
    }
    EvmAddress.parse(asset.address());
    return permit2.test(asset) ? forPermit2Asset(price, asset) : forAsset(price, asset);
  }

  /**
   * The identity of an exact-scheme EVM payment: the network, the token, the payer ({@code
   * authorization.from}) and the authorization nonce, which is what the token itself allows to be
   * used once. All are parsed (ASCII hex only) and written in lower case, so spellings that differ
   * in letter case are one payment and spellings with non-ASCII digits are refused. The payment is
   * acceptable until the authorization's {@code validBefore}.
   *
   * <p>A Permit2 payload (it has {@code permit2Authorization}) must carry the exact witness and the
   * exact proxy as spender; its identity is (network, owner, Permit2 nonce as a number), see {@link
   * Permit2Payload#identity}, acceptable until the Permit2 deadline. Nonces are ASCII decimal:
   * {@code "01"} and {@code "1"} are one payment, {@code "0x1"} and non-ASCII digits are refused.
   *
   * @throws IllegalArgumentException naming the field when the payload is malformed, e.g. {@code
   *     payload.authorization.nonce: value '0x…' contains a non-ASCII character U+FF11 at index 9}
   */
  @Override
  public PaymentIdentity identify(
      int x402Version, PaymentRequirements requirements, Map<String, Object> payload) {
    if (Permit2Payload.isPermit2(payload)) {
      return permit2Identity(requirements, Permit2Payload.fromMap(payload).requireExact());
    }
    ExactEvmPayload parsed = ExactEvmPayload.fromMap(payload);
    EvmAddress asset;
    try {
      asset = EvmAddress.parse(requirements.asset());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("requirements.asset: " + e.getMessage(), e);
    }
    Eip3009Authorization a = parsed.authorization();
    String id =
        String.join(
            "|",
            scheme(),
            requirements.network().toString(),
            asset.toLowerHex(),
            a.from().toLowerHex(),
            a.nonce().toString());
    return new PaymentIdentity(id, instant(a.validBefore()), a.from().toLowerHex());
  }

  /**
   * The identity of a Permit2 payment: {@link Permit2Payload#identity}, acceptable until the
   * Permit2 deadline.
   */
  static PaymentIdentity permit2Identity(PaymentRequirements requirements, Permit2Payload payload) {
    return new PaymentIdentity(
        payload.identity(requirements.network()),
        instant(payload.authorization().deadline()),
        payload.authorization().from().toLowerHex());
  }

  private static Instant instant(BigInteger epochSeconds) {
    BigInteger max = BigInteger.valueOf(Instant.MAX.getEpochSecond());
    return epochSeconds.compareTo(max) > 0
        ? Instant.MAX
        : Instant.ofEpochSecond(epochSeconds.longValueExact());
  }

  /** The amount and {@code extra} of {@code price} charged in {@code asset}. */
  public static AssetAmount forAsset(Price price, Asset asset) {
    TokenAmount amount = price.toAtomic(asset);
    Map<String, Object> extra = new LinkedHashMap<>();
    if (asset.hasEip712Domain()) {
      extra.put("name", asset.eip712Name());
      extra.put("version", asset.eip712Version());
    }
    return new AssetAmount(asset.address(), amount, extra);
  }

  /**
   * The amount and {@code extra} of {@code price} charged in {@code asset} through Permit2: the
   * token's EIP-712 {@code name} and {@code version} when it has them, then {@code
   * assetTransferMethod: "permit2"}.
   */
  public static AssetAmount forPermit2Asset(Price price, Asset asset) {
    AssetAmount base = forAsset(price, asset);
    Map<String, Object> extra = new LinkedHashMap<>(base.extra());
    extra.put("assetTransferMethod", "permit2");
    return new AssetAmount(base.asset(), base.amount(), extra);
  }
}
