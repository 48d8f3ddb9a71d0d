package io.x402j.facilitator;

import io.x402j.config.ValueParser;
import io.x402j.core.Network;
import io.x402j.evm.EvmAddress;
import java.math.BigInteger;
import java.time.Duration;

/**
 * What the text of each facilitator setting must be. The configuration file ({@link
 * FacilitatorConfig#load}) and the {@code x402j facilitator} flags both read through these parsers,
 * so a value is accepted or refused the same way, with the same message, wherever it is written;
 * only the setting's name (a dotted path or a flag) differs.
 */
public final class SettingRules {
  private SettingRules() {}

  /** A port, 0 (any free port) to 65535. */
  public static final ValueParser<Integer> PORT = ValueParser.port();

  /** The request body limit in bytes, at least 1 KiB. */
  public static final ValueParser<Integer> MAX_BODY_BYTES =
      ValueParser.integer(1024, Integer.MAX_VALUE);

  /** A signer balance in whole native units (ETH, SOL) under which the console warns. */
  public static final ValueParser<java.math.BigDecimal> LOW_BALANCE = ValueParser.decimal(18, 12);

  /** The name of an environment variable (letters, digits, underscores). */
  public static final ValueParser<String> ENV_NAME =
      ValueParser.of(
          "an environment variable name (letters, digits and _)",
          text -> {
            if (!text.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
              throw new IllegalArgumentException("not a variable name");
            }
            return text;
          });

  /** A rate limit (per second or per payer per minute), 0 for none. */
  public static final ValueParser<Double> RATE = ValueParser.nonNegativeNumber();

  /** Every facilitator duration (intervals, leases, timeouts, block time) is positive. */
  public static final ValueParser<Duration> DURATION = ValueParser.positiveDuration();

  /**
   * How long a verify or settle answer waits for the discovery catalog: {@code 0} to {@link
   * DiscoveryCatalog.Settings#MAX_ANSWER_WAIT}, such as {@code 100ms}.
   */
  public static final ValueParser<Duration> DISCOVERY_WAIT =
      io.x402j.config.internal.Durations.parser(
          Duration.ZERO, DiscoveryCatalog.Settings.MAX_ANSWER_WAIT);

  /** An ERC-8021 builder code: {@code ^[a-z0-9_]{1,32}$}. */
  public static final ValueParser<String> BUILDER_CODE =
      ValueParser.of(
          "a builder code (1-32 characters: a-z, 0-9, _)",
          text -> io.x402j.core.extensions.BuilderCode.requireCode(text, "builder code"));

  /** How many reverts suspend a payer, 0 for never. */
  public static final ValueParser<Integer> REVERT_BAN_AFTER =
      ValueParser.integer(0, Integer.MAX_VALUE);

  /**
   * A fee cap in gwei with at most 9 decimals, read as wei. Bounded before it is multiplied out:
   * {@code 1e999999999} gwei is refused, not written as a billion digits.
   */
  public static final ValueParser<BigInteger> MAX_FEE_GWEI =
      ValueParser.decimal(9, 30)
          .map(gwei -> gwei.movePointRight(9).toBigIntegerExact())
          .describedAs("a number of gwei with at most 9 decimals");

  /** The most gas one settlement may use; a plain transfer alone takes 21000. */
  public static final ValueParser<Long> GAS_LIMIT_CAP =
      ValueParser.longInteger(21_000, Long.MAX_VALUE);

  /** The most JSON-RPC calls in one coalesced request, 1 (no coalescing) to 1000. */
  public static final ValueParser<Integer> RPC_BATCH_SIZE = ValueParser.integer(1, 1000);

  /** A CAIP-2 network. */
  /** An RPC endpoint: an http(s) URL, kept as written (after {@code ${NAME}} substitution). */
  public static final ValueParser<String> RPC_URL = rpcUrl(ValueParser.uri("http", "https"));

  private static ValueParser<String> rpcUrl(ValueParser<java.net.URI> check) {
    return (setting, text) -> {
      check.parse(setting, text);
      return text.strip();
    };
  }

  public static final ValueParser<Network> NETWORK =
      ValueParser.of("a CAIP-2 network such as eip155:8453", Network::parse);

  /** A token contract address. */
  public static final ValueParser<EvmAddress> ASSET =
      ValueParser.of("a token address (0x and 40 hex digits)", EvmAddress::parse);

  /** A Solana mint: a base58 address of 32 bytes, kept in its canonical spelling. */
  public static final ValueParser<String> SOLANA_MINT =
      ValueParser.of(
          "a Solana mint address (base58 of 32 bytes)",
          text -> io.x402j.svm.SolanaAddress.parse(text).toString());

  /** The highest Solana compute-unit price accepted, in µlamports per unit. */
  public static final ValueParser<Long> MAX_COMPUTE_UNIT_PRICE =
      ValueParser.longInteger(0, Long.MAX_VALUE);

  /** The highest Solana compute-unit limit accepted (a u32). */
  public static final ValueParser<Long> MAX_COMPUTE_UNITS =
      ValueParser.longInteger(1, 0xFFFF_FFFFL);

  /** The highest Solana priority fee, in lamports, a fee payer sponsors. */
  public static final ValueParser<Long> MAX_PRIORITY_FEE_LAMPORTS =
      ValueParser.longInteger(0, Long.MAX_VALUE);
}
