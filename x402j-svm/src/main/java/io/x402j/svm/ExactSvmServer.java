package io.x402j.svm;

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
import io.x402j.core.wire.SupportedKind;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Prices exact-scheme requirements on Solana networks: resolves a {@link Price} to an SPL token
 * mint of the network (the one the price names by symbol, else the default, USDC on public
 * networks, or a mint given explicitly with its decimals), and puts the fee payer the facilitator
 * advertises in {@code /supported} into {@code extra.feePayer}: a Solana payer builds its
 * transaction around that fee payer, so a requirement without one is never offered.
 *
 * <p>{@code extra.recentBlockhash} and {@code extra.lastValidBlockHeight} are {@linkplain
 * #dynamicExtraFields() dynamic}: construction hints a payer may echo changed. A payment's identity
 * is the SHA-256 digest of its transaction's message bytes (see {@link #identify}, {@link
 * ExactSvmPayload#paymentId}), so every spelling of one transaction is one payment. Thread-safe.
 */
public final class ExactSvmServer implements SchemeServer {
  /** The {@code extra} fields a payer may echo with another value than offered. */
  public static final Set<String> DYNAMIC_EXTRA_FIELDS =
      Set.of("recentBlockhash", "lastValidBlockHeight");

  /**
   * How long after a gate first sees a Solana transaction it may still land: its blockhash is valid
   * for 150 blocks (about 60 to 90 s, longer when slots are skipped), counted from before the payer
   * sent it. A gate remembers a payment at least this long, whatever the route's {@code
   * maxTimeoutSeconds}, so a short timeout does not let a landed transaction be presented again
   * while it is still valid.
   */
  public static final Duration TRANSACTION_LIFETIME = Duration.ofSeconds(180);

  private final NetworkRegistry networks;
  private final Clock clock;

  /** A server pricing with the tokens of {@code networks}. */
  public ExactSvmServer(NetworkRegistry networks) {
    this(networks, Clock.systemUTC());
  }

  /** A server pricing with the tokens of {@code networks}, timing payments with {@code clock}. */
  public ExactSvmServer(NetworkRegistry networks, Clock clock) {
    this.networks = Objects.requireNonNull(networks, "networks");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A server pricing with the public networks' tokens. */
  public ExactSvmServer() {
    this(NetworkRegistry.defaults());
  }

  @Override
  public String scheme() {
    return "exact";
  }

  /**
   * Resolves {@code price} on the Solana {@code network}.
   *
   * @throws IllegalArgumentException when the network is not Solana or unknown, has no such token,
   *     or the price cannot be charged in it
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network) {
    requireSolana(network);
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
                              + " has no default token; give the asset (mint) explicitly"));
    }
    return forAsset(price, asset);
  }

  /**
   * Resolves {@code price} in the mint {@code asset} on a Solana network; a bare whole number is
   * atomic units.
   *
   * @throws IllegalArgumentException when the network is not Solana, the asset address is not a
   *     base58 address, or the price cannot be charged in the asset
   */
  @Override
  public AssetAmount parsePrice(Price price, Network network, Asset asset) {
    requireSolana(network);
    try {
      SolanaAddress.parse(asset.address());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("asset: " + e.getMessage(), e);
    }
    return forAsset(price, asset);
  }

  /** Always: the fee payer comes from the facilitator's supported kind. */
  @Override
  public boolean needsSupportedKind() {
    return true;
  }

  @Override
  public Set<String> dynamicExtraFields() {
    return DYNAMIC_EXTRA_FIELDS;
  }

  /**
   * Puts the facilitator's fee payer ({@code kind.extra.feePayer}) into {@code extra.feePayer}. A
   * fee payer configured on the route is kept when the facilitator advertises none, but it must
   * then be the facilitator's own: it is checked for being an address only.
   *
   * @throws IllegalArgumentException when neither the kind nor the requirement carries a fee payer,
   *     or the fee payer is not a base58 address
   */
  @Override
  public PaymentRequirements enhanceRequirements(
      PaymentRequirements requirements, SupportedKind kind) {
    Object advertised = kind == null || kind.extra() == null ? null : kind.extra().get("feePayer");
    Object configured = requirements.extra() == null ? null : requirements.extra().get("feePayer");
    Object feePayer = advertised != null ? advertised : configured;
    if (feePayer == null) {
      throw new IllegalArgumentException(
          kind == null
              ? "the facilitator's /supported lists no exact kind for "
                  + requirements.network()
                  + " (x402Version 2), so no fee payer can be offered"
              : "the facilitator's /supported kind exact on "
                  + requirements.network()
                  + " has no extra.feePayer; a Solana requirement cannot be offered without one");
    }
    if (!(feePayer instanceof String text)) {
      throw new IllegalArgumentException("extra.feePayer: expected a base58 address string");
    }
    SolanaAddress address;
    try {
      address = SolanaAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("extra.feePayer: " + e.getMessage(), e);
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    if (requirements.extra() != null) {
      extra.putAll(requirements.extra());
    }
    extra.put("feePayer", address.toString());
    return requirements.toBuilder().extra(extra).build();
  }

  /**
   * The identity of an exact-scheme Solana payment: the network and the SHA-256 digest of the
   * decoded transaction's message bytes, as the official facilitator keys duplicate settlements.
   * The base64 is decoded strictly (standard alphabet, canonical padding, no whitespace), and
   * signatures are not part of the identity, so one transaction re-spelled or re-signed is one
   * payment. It stays usable for {@link #TRANSACTION_LIFETIME} from now.
   *
   * @throws IllegalArgumentException naming the field when the payload is malformed
   */
  @Override
  public PaymentIdentity identify(
      int x402Version, PaymentRequirements requirements, Map<String, Object> payload) {
    ExactSvmPayload parsed;
    try {
      parsed = ExactSvmPayload.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("payload.transaction: " + e.getMessage(), e);
    }
    String id = String.join("|", scheme(), requirements.network().toString(), parsed.paymentId());
    return new PaymentIdentity(
        id,
        clock.instant().plus(TRANSACTION_LIFETIME),
        transferAuthority(parsed.transaction().message()));
  }

  /**
   * The account the payment says it pays from: the authority (fourth account) of the first
   * token-program instruction with at least four accounts, as facilitators report the payer, in its
   * canonical base58 form; {@code null} when there is none or it is not among the message's static
   * accounts (an address-table entry, which only a facilitator resolves).
   */
  static String transferAuthority(SolanaMessage message) {
    List<SolanaAddress> accounts = message.staticAccounts();
    for (CompiledInstruction ix : message.instructions()) {
      if (ix.programIdIndex() >= accounts.size()
          || !SolanaPrograms.isTokenProgram(accounts.get(ix.programIdIndex()))
          || ix.accounts().size() < 4) {
        continue;
      }
      int authority = ix.accounts().get(3);
      return authority < accounts.size() ? accounts.get(authority).toString() : null;
    }
    return null;
  }

  /** The amount and {@code extra} of {@code price} charged in the mint {@code asset}. */
  public static AssetAmount forAsset(Price price, Asset asset) {
    TokenAmount amount = price.toAtomic(asset);
    return new AssetAmount(asset.address(), amount, null);
  }

  private static void requireSolana(Network network) {
    if (!Network.SOLANA.equals(network.namespace())) {
      throw new IllegalArgumentException("network " + network + " is not a Solana network");
    }
  }
}
