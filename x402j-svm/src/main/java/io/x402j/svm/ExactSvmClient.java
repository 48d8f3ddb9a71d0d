package io.x402j.svm;

import io.x402j.core.Network;
import io.x402j.core.scheme.SchemeClient;
import io.x402j.core.support.Base58;
import io.x402j.core.support.Text;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.svm.internal.KnownMints;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pays exact-scheme requirements on Solana the way the official {@code @x402/svm} 2.27.0 client
 * does: a v0 transaction whose fee payer is the facilitator's {@code extra.feePayer} (its signature
 * slot left as 64 zero bytes for the facilitator) with four instructions —
 *
 * <ol>
 *   <li>ComputeBudget SetComputeUnitLimit({@value #COMPUTE_UNIT_LIMIT}),
 *   <li>ComputeBudget SetComputeUnitPrice({@value #COMPUTE_UNIT_PRICE_MICRO_LAMPORTS} µlamport),
 *   <li>TransferChecked of {@code amount} from the payer's associated token account to the
 *       associated token account of {@code payTo} (same mint and token program; it must exist),
 *       signed by the payer,
 *   <li>Memo carrying {@code extra.memo} (at most {@value #MAX_MEMO_BYTES} UTF-8 bytes) or, without
 *       one (or an empty one), 32 hex characters of a random 16-byte nonce so that equal payments
 *       differ.
 * </ol>
 *
 * <p>The blockhash comes from the {@link BlockhashSource} when one is configured; only without a
 * source is the requirement's {@code extra.recentBlockhash} used (a hint the seller may send), and
 * without either the payment cannot be built. The mint's token program and decimals of the default
 * SPL Token stablecoins (USDC on mainnet, devnet and testnet; USDT on mainnet) are known and never
 * asked for; other mints' come from the {@link MintInfoSource} when configured. A memo with control
 * characters or unpaired surrogates is refused, never signed. Immutable and thread-safe.
 */
public final class ExactSvmClient implements SchemeClient {
  /** Compute unit limit the official client sets. */
  public static final int COMPUTE_UNIT_LIMIT = 20_000;

  /** Compute unit price (µlamports) the official client sets. */
  public static final int COMPUTE_UNIT_PRICE_MICRO_LAMPORTS = 1;

  /** Longest {@code extra.memo}, in UTF-8 bytes. */
  public static final int MAX_MEMO_BYTES = 256;

  /** The official client's message when {@code extra.feePayer} is missing. */
  public static final String FEE_PAYER_REQUIRED =
      "feePayer is required in paymentRequirements.extra for SVM transactions";

  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final SvmSigner signer;
  private final BlockhashSource blockhashes;
  private final MintInfoSource mints;
  private final SecureRandom random;

  private ExactSvmClient(Builder b) {
    this.signer = Objects.requireNonNull(b.signer, "signer");
    this.blockhashes = b.blockhashes;
    this.mints = b.mints;
    this.random = b.random == null ? new SecureRandom() : b.random;
  }

  /**
   * A client paying with {@code signer}, without blockhash or mint sources: it needs {@code
   * extra.recentBlockhash} in the requirements and pays only the known stablecoins.
   */
  public static ExactSvmClient of(SvmSigner signer) {
    return builder(signer).build();
  }

  /** A client paying with {@code signer} that asks {@code blockhashes} and {@code mints}. */
  public static ExactSvmClient of(
      SvmSigner signer, BlockhashSource blockhashes, MintInfoSource mints) {
    return builder(signer).blockhashSource(blockhashes).mintInfoSource(mints).build();
  }

  /** Starts a client paying with {@code signer}. */
  public static Builder builder(SvmSigner signer) {
    return new Builder(signer);
  }

  /** The paying account (the transfer's authority). */
  public SolanaAddress payer() {
    return signer.address();
  }

  @Override
  public String scheme() {
    return "exact";
  }

  /**
   * Builds and signs a transaction paying {@code requirements}.
   *
   * @throws IllegalArgumentException if the requirement cannot be paid: another scheme, a network
   *     that is not Solana, no {@code extra.feePayer}, an asset, payTo or fee payer that is not an
   *     address, an amount above u64, a memo over 256 bytes, an unknown mint and no mint source, or
   *     no blockhash at all
   * @throws IllegalStateException if a source fails
   */
  @Override
  public Map<String, Object> createPayload(int x402Version, PaymentRequirements requirements) {
    return pay(requirements).toMap();
  }

  /** Like {@link #createPayload} but returns the typed payload. */
  public ExactSvmPayload pay(PaymentRequirements requirements) {
    Objects.requireNonNull(requirements, "requirements");
    if (!"exact".equals(requirements.scheme())) {
      throw new IllegalArgumentException(
          "this client pays the exact scheme, not " + Text.quote(requirements.scheme()));
    }
    Network network = requirements.network();
    if (!Network.SOLANA.equals(network.namespace())) {
      throw new IllegalArgumentException("network " + network + " is not a Solana network");
    }
    Object feePayerValue = requirements.extra().get("feePayer");
    if (feePayerValue == null) {
      throw new IllegalArgumentException(FEE_PAYER_REQUIRED);
    }
    if (!(feePayerValue instanceof String)) {
      throw new IllegalArgumentException("requirement extra.feePayer must be a base58 string");
    }
    SolanaAddress feePayer = address((String) feePayerValue, "extra.feePayer");
    SolanaAddress mint = address(requirements.asset(), "asset");
    SolanaAddress payTo = address(requirements.payTo(), "payTo");
    if (feePayer.equals(signer.address())) {
      throw new IllegalArgumentException(
          "the fee payer " + feePayer + " is the paying account: a facilitator would refuse it");
    }
    BigInteger amount = requirements.amount().value();
    if (amount.compareTo(U64_MAX) > 0) {
      throw new IllegalArgumentException(
          "amount " + amount + " does not fit a Solana token amount (u64)");
    }
    String memo = memo(requirements);
    MintInfo mintInfo = mintInfo(network, mint);
    byte[] blockhash = blockhash(network, requirements);

    SolanaAddress tokenProgram = mintInfo.tokenProgram();
    SolanaAddress source = TokenAccounts.associated(signer.address(), mint, tokenProgram);
    SolanaAddress destination = TokenAccounts.associated(payTo, mint, tokenProgram);
    List<Instruction> instructions =
        List.of(
            SvmInstructions.setComputeUnitLimit(COMPUTE_UNIT_LIMIT),
            SvmInstructions.setComputeUnitPrice(COMPUTE_UNIT_PRICE_MICRO_LAMPORTS),
            SvmInstructions.transferChecked(
                tokenProgram,
                source,
                mint,
                destination,
                signer.address(),
                amount,
                mintInfo.decimals()),
            SvmInstructions.memo(memo));
    SolanaMessage message = MessageCompiler.compileV0(feePayer, instructions, blockhash);
    return new ExactSvmPayload(SolanaTransaction.unsigned(message).signedBy(signer));
  }

  private String memo(PaymentRequirements requirements) {
    Object value = requirements.extra().get("memo");
    // An empty memo counts as none, as in the official client.
    if (value == null || "".equals(value)) {
      byte[] nonce = new byte[16];
      random.nextBytes(nonce);
      return HexFormat.of().formatHex(nonce);
    }
    if (!(value instanceof String)) {
      throw new IllegalArgumentException("requirement extra.memo must be a string");
    }
    String memo = (String) value;
    for (int i = 0; i < memo.length(); i++) {
      char c = memo.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "requirement extra.memo holds the control character "
                + String.format("U+%04X", (int) c)
                + " at index "
                + i
                + "; it is not signed on-chain");
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < memo.length()
                && Character.isLowSurrogate(memo.charAt(i + 1));
        if (!paired) {
          throw new IllegalArgumentException(
              "requirement extra.memo holds an unpaired surrogate at index "
                  + i
                  + ", which has no UTF-8 form");
        }
        i++;
      }
    }
    int length = memo.getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_MEMO_BYTES) {
      throw new IllegalArgumentException(
          "requirement extra.memo is "
              + length
              + " UTF-8 bytes, more than the "
              + MAX_MEMO_BYTES
              + " allowed");
    }
    return memo;
  }

  private MintInfo mintInfo(Network network, SolanaAddress mint) {
    // A well-known stablecoin is paid on the registry's facts, without asking the node: no round
    // trip per payment, and a lying node (or one on another cluster) cannot change how it is paid.
    Optional<MintInfo> known = KnownMints.find(network, mint);
    if (known.isPresent()) {
      return known.get();
    }
    if (mints != null) {
      return Objects.requireNonNull(mints.mintInfo(network, mint), "mint info");
    }
    return known.orElseThrow(
        () ->
            new IllegalArgumentException(
                "the token program and decimals of mint "
                    + mint
                    + " on "
                    + network
                    + " are unknown: configure a MintInfoSource"));
  }

  private byte[] blockhash(Network network, PaymentRequirements requirements) {
    if (blockhashes != null) {
      return Objects.requireNonNull(blockhashes.latest(network), "recent blockhash").bytes();
    }
    Object hint = requirements.extra().get("recentBlockhash");
    if (hint == null) {
      throw new IllegalArgumentException(
          "no recent blockhash: configure a BlockhashSource (the requirement has no"
              + " extra.recentBlockhash)");
    }
    if (!(hint instanceof String)) {
      throw new IllegalArgumentException("requirement extra.recentBlockhash must be a string");
    }
    try {
      return Base58.decode((String) hint, 32, "requirement extra.recentBlockhash");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static SolanaAddress address(String text, String field) {
    try {
      return SolanaAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("requirement " + field + ": " + e.getMessage());
    }
  }

  /** Configures an {@link ExactSvmClient}. */
  public static final class Builder {
    private final SvmSigner signer;
    private BlockhashSource blockhashes;
    private MintInfoSource mints;
    private SecureRandom random;

    private Builder(SvmSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
    }

    /** Where recent blockhashes come from (else {@code extra.recentBlockhash} is required). */
    public Builder blockhashSource(BlockhashSource source) {
      this.blockhashes = source;
      return this;
    }

    /** Where mint token programs and decimals come from (else only known stablecoins). */
    public Builder mintInfoSource(MintInfoSource source) {
      this.mints = source;
      return this;
    }

    /** Randomness of memo nonces (for tests). */
    public Builder random(SecureRandom random) {
      this.random = random;
      return this;
    }

    /** The client. */
    public ExactSvmClient build() {
      return new ExactSvmClient(this);
    }
  }
}
