package io.x402j.devnet;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link Devnet}. Immutable; build with {@link #builder()}.
 *
 * <p>By default: chain 31337 on a free port of 127.0.0.1, a block mined per transaction, a token
 * "Test Dollar" (TUSD, EIP-712 version 1, 6 decimals), and three accounts: {@code facilitator} (100
 * ETH for gas), {@code buyer} (10 ETH and 1,000 TUSD) and {@code seller} (nothing).
 */
public final class DevnetOptions {
  /** An account to create and fund. */
  public record AccountSpec(String name, BigInteger weiBalance, BigInteger tokenBalance) {
    /** Validates the fields. */
    public AccountSpec {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(weiBalance, "weiBalance");
      Objects.requireNonNull(tokenBalance, "tokenBalance");
    }
  }

  static final BigInteger ETHER = BigInteger.TEN.pow(18);
  static final BigInteger DOLLAR = BigInteger.TEN.pow(6);

  private final int port;
  private final Duration blockTime;
  private final long chainId;
  private final boolean mirrorBaseSepolia;
  private final String tokenName;
  private final String tokenSymbol;
  private final String tokenVersion;
  private final List<AccountSpec> accounts;

  private DevnetOptions(Builder b) {
    this.port = b.port;
    this.blockTime = b.blockTime;
    this.mirrorBaseSepolia = b.mirrorBaseSepolia;
    this.chainId = b.mirrorBaseSepolia ? Devnet.BASE_SEPOLIA_CHAIN_ID : b.chainId;
    this.tokenName = b.mirrorBaseSepolia ? "USDC" : b.tokenName;
    this.tokenSymbol = b.mirrorBaseSepolia ? "USDC" : b.tokenSymbol;
    this.tokenVersion = b.mirrorBaseSepolia ? "2" : b.tokenVersion;
    this.accounts = List.copyOf(b.accounts.isEmpty() ? defaultAccounts() : b.accounts);
  }

  private static List<AccountSpec> defaultAccounts() {
    return List.of(
        new AccountSpec("facilitator", ETHER.multiply(BigInteger.valueOf(100)), BigInteger.ZERO),
        new AccountSpec(
            "buyer", ETHER.multiply(BigInteger.TEN), DOLLAR.multiply(BigInteger.valueOf(1000))),
        new AccountSpec("seller", BigInteger.ZERO, BigInteger.ZERO));
  }

  /** The defaults. */
  public static DevnetOptions defaults() {
    return builder().build();
  }

  /** Starts options from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** The interval between blocks, or {@code null} to mine one block per transaction. */
  public Duration blockTime() {
    return blockTime;
  }

  /** The chain ID. */
  public long chainId() {
    return chainId;
  }

  /** Whether the chain mirrors Base Sepolia (chain 84532, USDC at its real address). */
  public boolean mirrorBaseSepolia() {
    return mirrorBaseSepolia;
  }

  /** The token's name, which is also its EIP-712 domain name. */
  public String tokenName() {
    return tokenName;
  }

  /** The token's symbol. */
  public String tokenSymbol() {
    return tokenSymbol;
  }

  /** The token's EIP-712 domain version. */
  public String tokenVersion() {
    return tokenVersion;
  }

  /** The accounts to fund. */
  public List<AccountSpec> accounts() {
    return accounts;
  }

  /** Builds {@link DevnetOptions}. */
  public static final class Builder {
    private int port;
    private Duration blockTime;
    private long chainId = 31337;
    private boolean mirrorBaseSepolia;
    private String tokenName = "Test Dollar";
    private String tokenSymbol = "TUSD";
    private String tokenVersion = "1";
    private final List<AccountSpec> accounts = new ArrayList<>();

    private Builder() {}

    /** The port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Mines a block every {@code blockTime} instead of one per transaction. Whole seconds only, as
     * anvil takes them.
     */
    public Builder blockTime(Duration blockTime) {
      if (blockTime != null && (blockTime.isNegative() || blockTime.isZero())) {
        throw new IllegalArgumentException("block time must be positive");
      }
      this.blockTime = blockTime;
      return this;
    }

    /** The chain ID (default 31337). */
    public Builder chainId(long chainId) {
      if (chainId <= 0) {
        throw new IllegalArgumentException("chain ID must be positive");
      }
      this.chainId = chainId;
      return this;
    }

    /**
     * Mirrors Base Sepolia: chain ID 84532 and the token at the Base Sepolia USDC address with name
     * {@code USDC} and version {@code 2}, so payment requirements look like production ones.
     */
    public Builder mirrorBaseSepolia(boolean mirror) {
      this.mirrorBaseSepolia = mirror;
      return this;
    }

    /** The token's name, symbol and EIP-712 version (ignored when mirroring Base Sepolia). */
    public Builder token(String name, String symbol, String version) {
      this.tokenName = Objects.requireNonNull(name, "name");
      this.tokenSymbol = Objects.requireNonNull(symbol, "symbol");
      this.tokenVersion = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Adds an account to create; when any is added, the default three are not created.
     *
     * @param wei ETH balance in wei
     * @param tokens token balance in atomic units
     */
    public Builder account(String name, BigInteger wei, BigInteger tokens) {
      accounts.add(new AccountSpec(name, wei, tokens));
      return this;
    }

    /** Builds the options. */
    public DevnetOptions build() {
      return new DevnetOptions(this);
    }
  }
}
