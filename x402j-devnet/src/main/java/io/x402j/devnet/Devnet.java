package io.x402j.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import io.x402j.devnet.internal.AnvilLocator;
import io.x402j.devnet.internal.AnvilProcess;
import io.x402j.devnet.internal.Contracts;
import io.x402j.evm.Abi;
import io.x402j.evm.Bytes32;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Keccak;
import io.x402j.evm.Permit2;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.evm.rpc.RpcException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * A local EVM chain for demos and tests: anvil on 127.0.0.1 with an EIP-3009 test dollar deployed
 * and named accounts funded; also a plain ERC-20, Permit2 and the x402 exact and upto Permit2
 * proxies at their canonical addresses, and an ERC-6492 test factory (see {@link DevnetInfo}).
 * Start it with {@link #start(DevnetOptions)} and close it when done; anvil never outlives the JVM
 * that started it.
 *
 * <pre>{@code
 * try (Devnet devnet = Devnet.start(DevnetOptions.defaults())) {
 *   DevnetInfo info = devnet.info();
 *   PrivateKeySigner buyer = info.requireAccount("buyer").signer();
 *   ...
 * }
 * }</pre>
 */
public final class Devnet implements AutoCloseable {
  /** The chain ID of Base Sepolia, used when mirroring it. */
  public static final long BASE_SEPOLIA_CHAIN_ID = 84532;

  /**
   * Where public chains have Multicall3; the devnet puts a compatible {@code aggregate3} there, so
   * that software batching reads through it works as on a public chain.
   */
  public static final EvmAddress MULTICALL3 =
      EvmAddress.parse("0xcA11bde05977b3631167028862bE2a173976CA11");

  /** The USDC address on Base Sepolia, where the token goes when mirroring it. */
  public static final EvmAddress BASE_SEPOLIA_USDC =
      EvmAddress.parse("0x036CbD53842c5426634e7929541eC2318f3dCF7e");

  /**
   * Where the devnet installs its ERC-6492 test factory ({@link DevnetInfo#erc6492Factory()}); the
   * same on every devnet, so wallet addresses it predicts are too.
   */
  public static final EvmAddress ERC6492_FACTORY =
      EvmAddress.parse("0x6492000000000000000000000000000000006492");

  // OpenZeppelin 5.5 ReentrancyGuard's storage slot and the value its constructor writes there.
  private static final String REENTRANCY_GUARD_SLOT =
      "0x9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f00";

  // anvil's first development account: unlocked, funded, used to deploy and own the token.
  private static final EvmAddress DEPLOYER =
      EvmAddress.parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final AnvilProcess anvil;
  private final JsonRpcClient rpc;
  private final DevnetInfo info;
  private final Contracts contracts;
  private final Path workDirectory;

  private Devnet(
      AnvilProcess anvil,
      JsonRpcClient rpc,
      DevnetInfo info,
      Contracts contracts,
      Path workDirectory) {
    this.anvil = anvil;
    this.rpc = rpc;
    this.info = info;
    this.contracts = contracts;
    this.workDirectory = workDirectory;
  }

  /**
   * Starts anvil (finding or installing it), deploys the token and funds the accounts.
   *
   * @throws IOException if anvil cannot be found, installed or started; the message says what to
   *     install and includes anvil's last output
   */
  public static Devnet start(DevnetOptions options) throws IOException, InterruptedException {
    Path binary = new AnvilLocator().locate();
    Path work = Files.createTempDirectory("x402j-devnet-");
    IOException lastFailure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = options.port() != 0 ? options.port() : freePort();
      AnvilProcess anvil =
          AnvilProcess.start(binary, arguments(options, port), work.resolve("anvil.log"));
      String url = "http://127.0.0.1:" + port;
      JsonRpcClient rpc =
          JsonRpcClient.builder(url).timeout(Duration.ofSeconds(30)).maxAttempts(1).build();
      try {
        awaitReady(anvil, rpc, options.chainId());
      } catch (IOException e) {
        anvil.close();
        lastFailure = e;
        if (options.port() == 0 && e.getMessage().contains("in use")) {
          continue; // another process took the free port first; pick another
        }
        throw e;
      }
      try {
        return deploy(options, anvil, rpc, url, work);
      } catch (IOException | RuntimeException e) {
        anvil.close();
        throw e;
      }
    }
    throw lastFailure;
  }

  private static List<String> arguments(DevnetOptions options, int port) {
    List<String> args = new ArrayList<>();
    args.add("--host");
    args.add("127.0.0.1");
    args.add("--port");
    args.add(Integer.toString(port));
    args.add("--chain-id");
    args.add(Long.toString(options.chainId()));
    if (options.blockTime() != null) {
      args.add("--block-time");
      args.add(
          BigDecimal.valueOf(options.blockTime().toMillis(), 3)
              .stripTrailingZeros()
              .toPlainString());
    }
    return args;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitReady(AnvilProcess anvil, JsonRpcClient rpc, long chainId)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!anvil.isAlive()) {
        String output = anvil.outputTail();
        String reason = output.contains("Address already in use") ? " (port in use)" : "";
        throw new IOException("anvil exited during start" + reason + ":\n" + output);
      }
      try {
        JsonNode result = rpc.call("eth_chainId").join();
        long actual = Hex.parseQuantity(result.asText()).longValueExact();
        if (actual != chainId) {
          throw new IOException("anvil reports chain " + actual + ", expected " + chainId);
        }
        return;
      } catch (CompletionException e) {
        Thread.sleep(50);
      }
    }
    throw new IOException(
        "anvil did not answer within " + READY_TIMEOUT.toSeconds() + " s:\n" + anvil.outputTail());
  }

  private static Devnet deploy(
      DevnetOptions options, AnvilProcess anvil, JsonRpcClient rpc, String url, Path work)
      throws IOException {
    Contracts contracts = Contracts.load();
    rpc.call(
            "anvil_setCode",
            MULTICALL3.toLowerHex(),
            Hex.encode(contracts.deployedBytecode("Multicall")))
        .join();
    EvmAddress token;

    byte[] init =
        Abi.arguments()
            .string(options.tokenName())
            .string(options.tokenSymbol())
            .string(options.tokenVersion())
            .encode();
    if (options.mirrorBaseSepolia()) {
      token = BASE_SEPOLIA_USDC;
      rpc.call(
              "anvil_setCode",
              token.toLowerHex(),
              Hex.encode(contracts.deployedBytecode("TestDollar")))
          .join();
      byte[] initialize =
          Abi.call("initialize(string,string,string,address)")
              .string(options.tokenName())
              .string(options.tokenSymbol())
              .string(options.tokenVersion())
              .address(DEPLOYER)
              .encode();
      receipt(rpc, send(rpc, token, initialize));
    } else {
      byte[] creation = concat(contracts.bytecode("TestDollar"), init);
      JsonNode receipt = receipt(rpc, send(rpc, null, creation));
      token = EvmAddress.parse(receipt.path("contractAddress").asText());
    }

    DevnetInfo.Permit2Contracts permit2 = installPermit2(rpc, contracts, options.chainId());
    setCode(rpc, ERC6492_FACTORY, contracts.deployedBytecode("TestSmartWalletFactory"));
    // Deployed after the test dollar, so the test dollar keeps its address (the deployer's first).
    byte[] plainCreation =
        concat(
            contracts.bytecode("PlainDollar"),
            Abi.arguments()
                .string(DevnetInfo.PLAIN_TOKEN_NAME)
                .string(DevnetInfo.PLAIN_TOKEN_SYMBOL)
                .encode());
    EvmAddress plainToken =
        EvmAddress.parse(
            receipt(rpc, send(rpc, null, plainCreation)).path("contractAddress").asText());

    List<DevnetAccount> accounts = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (DevnetOptions.AccountSpec spec : options.accounts()) {
      PrivateKeySigner signer =
          PrivateKeySigner.fromBytes(Keccak.hash("x402j devnet account: " + spec.name()));
      accounts.add(new DevnetAccount(spec.name(), signer.address(), signer.exportPrivateKeyHex()));
      if (spec.weiBalance().signum() > 0) {
        rpc.call("anvil_setBalance", signer.address().toLowerHex(), Hex.quantity(spec.weiBalance()))
            .join();
      }
      if (spec.tokenBalance().signum() > 0) {
        byte[] mint =
            Abi.call("mint(address,uint256)")
                .address(signer.address())
                .uint(spec.tokenBalance())
                .encode();
        pending.add(send(rpc, token, mint));
        pending.add(send(rpc, plainToken, mint));
      }
    }
    for (String hash : pending) {
      receipt(rpc, hash);
    }
    DevnetInfo info =
        new DevnetInfo(
            url,
            options.chainId(),
            token,
            options.tokenName(),
            options.tokenSymbol(),
            options.tokenVersion(),
            6,
            accounts,
            options.blockTime(),
            permit2,
            ERC6492_FACTORY,
            plainToken);
    return new Devnet(anvil, rpc, info, contracts, work);
  }

  /**
   * Installs Permit2 and the x402 exact and upto proxies at their canonical addresses, writing the
   * immutables their constructors would have written: Permit2's cached chain ID and EIP-712 domain
   * separator (for this chain and the canonical address, so {@code DOMAIN_SEPARATOR()} is the one
   * of public chains) and each proxy's {@code PERMIT2}; and each proxy's reentrancy guard as its
   * constructor leaves it.
   */
  private static DevnetInfo.Permit2Contracts installPermit2(
      JsonRpcClient rpc, Contracts contracts, long chainId) {
    DevnetInfo.Permit2Contracts at = DevnetInfo.Permit2Contracts.CANONICAL;
    EvmAddress permit2 = at.permit2Address();
    byte[] separator = Permit2.domainSeparator(chainId).toBytes();
    setCode(
        rpc,
        permit2,
        contracts.deployedBytecode(
            "Permit2",
            Map.of(
                "_CACHED_CHAIN_ID",
                Abi.word(BigInteger.valueOf(chainId)),
                "_CACHED_DOMAIN_SEPARATOR",
                separator)));
    Map<String, byte[]> proxyImmutables =
        Map.of("PERMIT2", Abi.arguments().address(permit2).encode());
    for (Map.Entry<EvmAddress, String> proxy :
        Map.of(
                at.exactProxyAddress(), "x402ExactPermit2Proxy",
                at.uptoProxyAddress(), "x402UptoPermit2Proxy")
            .entrySet()) {
      setCode(rpc, proxy.getKey(), contracts.deployedBytecode(proxy.getValue(), proxyImmutables));
      rpc.call(
              "anvil_setStorageAt",
              proxy.getKey().toLowerHex(),
              REENTRANCY_GUARD_SLOT,
              Hex.encode(Abi.word(BigInteger.ONE)))
          .join();
    }
    return at;
  }

  private static void setCode(JsonRpcClient rpc, EvmAddress at, byte[] code) {
    rpc.call("anvil_setCode", at.toLowerHex(), Hex.encode(code)).join();
  }

  private static String send(JsonRpcClient rpc, EvmAddress to, byte[] data) {
    Map<String, Object> tx = new LinkedHashMap<>();
    tx.put("from", DEPLOYER.toLowerHex());
    if (to != null) {
      tx.put("to", to.toLowerHex());
    }
    tx.put("data", Hex.encode(data));
    return rpc.call("eth_sendTransaction", tx).join().asText();
  }

  private static JsonNode receipt(JsonRpcClient rpc, String hash) throws IOException {
    JsonNode receipt = awaitReceipt(rpc, hash);
    if (!"0x1".equals(receipt.path("status").asText())) {
      throw new IOException("devnet setup transaction " + hash + " reverted");
    }
    return receipt;
  }

  private static JsonNode awaitReceipt(JsonRpcClient rpc, String hash) throws IOException {
    // Even with automine, anvil may return the hash a moment before the block exists.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode receipt = rpc.call("eth_getTransactionReceipt", hash).join();
      if (receipt != null && !receipt.isNull()) {
        return receipt;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + hash, e);
      }
    }
    throw new IOException("transaction " + hash + " was not mined within 60 s");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Waits (up to a minute) for a transaction's receipt, whatever its status.
   *
   * @throws IOException if it is not mined in time
   */
  public JsonNode awaitReceipt(String transactionHash) throws IOException {
    return awaitReceipt(rpc, transactionHash);
  }

  /** Where the devnet is and what is on it. */
  public DevnetInfo info() {

    return info;
  }

  /** A JSON-RPC client for the devnet. */
  public JsonRpcClient rpc() {
    return rpc;
  }

  /** Whether anvil is still running. */
  public boolean isRunning() {
    return anvil.isAlive();
  }

  /** The process id of anvil's watchdog, for tests that check nothing is left behind. */
  public long processId() {
    return anvil.pid();
  }

  /** The token balance of {@code owner}, in atomic units. */
  public BigInteger tokenBalance(EvmAddress owner) {
    return uintCall(info.token(), Abi.call("balanceOf(address)").address(owner).encode());
  }

  /** The ETH balance of {@code owner}, in wei. */
  public BigInteger balance(EvmAddress owner) {
    return Hex.parseQuantity(
        rpc.call("eth_getBalance", owner.toLowerHex(), "latest").join().asText());
  }

  /** How many transactions {@code account} has had mined: its next nonce. */
  public long transactionCount(EvmAddress account) {
    return transactionCount(account, "latest");
  }

  /** How many transactions {@code account} has had mined or waiting in the node's pool. */
  public long pendingTransactionCount(EvmAddress account) {
    return transactionCount(account, "pending");
  }

  /**
   * Waits until the node holds more than {@code before} transactions of {@code account}, mined or
   * pending (a broadcast the caller does not see, such as a facilitator's), for at most {@code
   * timeout}; returns the count then.
   */
  public long awaitPendingTransactions(EvmAddress account, long before, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count;
    while ((count = pendingTransactionCount(account)) <= before && System.nanoTime() < deadline) {
      Thread.sleep(10); // polls the node; not a wait that sets anything up
    }
    return count;
  }

  private long transactionCount(EvmAddress account, String block) {
    return Hex.parseQuantity(
            rpc.call("eth_getTransactionCount", account.toLowerHex(), block).join().asText())
        .longValueExact();
  }

  /** Whether an EIP-3009 authorization nonce of {@code authorizer} has been used. */
  public boolean authorizationUsed(EvmAddress authorizer, Bytes32 nonce) {
    return uintCall(
                info.token(),
                Abi.call("authorizationState(address,bytes32)")
                    .address(authorizer)
                    .bytes32(nonce.toBytes())
                    .encode())
            .signum()
        != 0;
  }

  /** Mints {@code amount} atomic units of the token to {@code to}. */
  public void mint(EvmAddress to, BigInteger amount) throws IOException {
    receipt(
        rpc,
        send(
            rpc,
            info.token(),
            Abi.call("mint(address,uint256)").address(to).uint(amount).encode()));
  }

  /** Deploys a test ERC-1271 wallet owned by {@code owner} and returns its address. */
  public EvmAddress deploySmartWallet(EvmAddress owner) throws IOException {
    byte[] creation =
        concat(contracts.bytecode("TestSmartWallet"), Abi.arguments().address(owner).encode());
    return EvmAddress.parse(
        receipt(rpc, send(rpc, null, creation)).path("contractAddress").asText());
  }

  /**
   * Sends a transaction from {@code from} without its key (anvil impersonation), waits for its
   * receipt and returns it whatever its status. For tests that need an account to act, such as a
   * buyer approving a spender.
   *
   * @param to the contract called, or {@code null} to create one
   * @throws IOException if it is not mined in time
   */
  public JsonNode sendAs(EvmAddress from, EvmAddress to, byte[] data) throws IOException {
    rpc.call("anvil_impersonateAccount", from.toLowerHex()).join();
    try {
      Map<String, Object> tx = new LinkedHashMap<>();
      tx.put("from", from.toLowerHex());
      if (to != null) {
        tx.put("to", to.toLowerHex());
      }
      tx.put("data", Hex.encode(data));
      return awaitReceipt(rpc, rpc.call("eth_sendTransaction", tx).join().asText());
    } finally {
      rpc.call("anvil_stopImpersonatingAccount", from.toLowerHex()).join();
    }
  }

  /**
   * Lets Permit2 spend all of {@code owner}'s {@code token} ({@code approve(Permit2, 2^256-1)} sent
   * as {@code owner}), as a wallet does once before its first Permit2 payment. The devnet's
   * accounts start without this allowance.
   *
   * @throws IOException if the approval reverts or is not mined in time
   */
  public void approvePermit2(EvmAddress owner, EvmAddress token) throws IOException {
    JsonNode receipt =
        sendAs(
            owner,
            token,
            Abi.call("approve(address,uint256)")
                .address(DevnetInfo.Permit2Contracts.CANONICAL.permit2Address())
                .uint(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE))
                .encode());
    if (!"0x1".equals(receipt.path("status").asText())) {
      throw new IOException("approving Permit2 for " + owner + " on " + token + " reverted");
    }
  }

  /** The ERC-20 balance of {@code owner} in {@code token}, in atomic units. */
  public BigInteger tokenBalance(EvmAddress token, EvmAddress owner) {
    return uintCall(token, Abi.call("balanceOf(address)").address(owner).encode());
  }

  /**
   * The call of the ERC-6492 test factory that deploys the wallet of ({@code owner}, {@code salt}):
   * {@code deploy(address,uint256)}, the {@code factoryCalldata} of an ERC-6492 signature whose
   * factory is {@link #ERC6492_FACTORY}.
   */
  public static byte[] walletDeployCall(EvmAddress owner, BigInteger salt) {
    return Abi.call("deploy(address,uint256)").address(owner).uint(salt).encode();
  }

  /**
   * Where the ERC-6492 test factory deploys (or has deployed) the wallet of ({@code owner}, {@code
   * salt}); the wallet may not exist yet.
   */
  public EvmAddress predictWallet(EvmAddress owner, BigInteger salt) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", ERC6492_FACTORY.toLowerHex());
    call.put(
        "data",
        Hex.encode(Abi.call("predict(address,uint256)").address(owner).uint(salt).encode()));
    return Abi.decodeAddress(Hex.decode(rpc.call("eth_call", call, "latest").join().asText()), 0);
  }

  /** Turns mining on every transaction on or off (off: transactions wait for {@link #mine()}). */
  public void setAutomine(boolean on) {
    rpc.call("evm_setAutomine", on).join();
  }

  /** Mines one block now. */
  public void mine() {
    rpc.call("evm_mine").join();
  }

  /** Moves the chain clock forward by {@code seconds} and mines a block. */
  public void advanceTime(long seconds) {
    rpc.call("evm_increaseTime", seconds).join();
    mine();
  }

  private BigInteger uintCall(EvmAddress to, byte[] data) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("to", to.toLowerHex());
    call.put("data", Hex.encode(data));
    try {
      return Abi.decodeUint(Hex.decode(rpc.call("eth_call", call, "latest").join().asText()), 0);
    } catch (CompletionException e) {
      if (e.getCause() instanceof RpcException) {
        throw (RpcException) e.getCause();
      }
      throw e;
    }
  }

  /** Stops anvil and deletes its working directory. */
  @Override
  public void close() {
    anvil.close();
    try (var files = Files.walk(workDirectory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
