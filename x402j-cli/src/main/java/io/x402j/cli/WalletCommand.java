package io.x402j.cli;

import io.x402j.config.EnvPlaceholders;
import io.x402j.core.Asset;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.evm.Abi;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.rpc.JsonRpcClient;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.TokenAccounts;
import io.x402j.svm.rpc.SolanaRpcClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code x402j wallet}: the key a buyer pays with. */
@Command(
    name = "wallet",
    mixinStandardHelpOptions = true,
    description = "Creates a key, shows its address, or its balances.",
    subcommands = {
      WalletCommand.New.class,
      WalletCommand.Address.class,
      WalletCommand.Balance.class
    })
final class WalletCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** {@code wallet new}. */
  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a new key. With --keystore it is written there, encrypted and readable by you"
            + " only (an existing file is never overwritten), and only the address is printed;"
            + " without, the address and the key are printed once.",
      })
  static final class New implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--keystore", paramLabel = "FILE", description = "Write an encrypted keystore.")
    Path keystore;

    @Option(
        names = "--password-env",
        paramLabel = "VAR",
        description = "Environment variable with the keystore password (else asked).")
    String passwordEnv;

    @Option(
        names = "--solana",
        description = "A Solana key: prints its base58 address and 64-byte secret.")
    boolean solana;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (solana) {
        if (keystore != null) {
          throw new ParameterException(
              spec.commandLine(),
              "--solana has no keystore format; without --keystore the key is printed once");
        }
        SolanaKeypair keypair = SolanaKeypair.generate(new SecureRandom());
        out.println("address     " + keypair.address());
        out.println("private key " + keypair.secretBase58());
        err.println(
            "x402j wallet: keep the private key secret; anyone who has it can spend from this"
                + " address. Use it with: export "
                + KeyOptions.SVM_KEY_ENV
                + "=<private key>");
        out.flush();
        err.flush();
        return 0;
      }
      PrivateKeySigner signer = PrivateKeySigner.generate(new SecureRandom());
      if (keystore != null) {
        if (Files.exists(keystore, LinkOption.NOFOLLOW_LINKS)) {
          throw exists(keystore);
        }
        KeyOptions options = new KeyOptions();
        options.passwordEnv = passwordEnv;
        char[] password =
            options.password(System.getenv(), System.console(), "Password for the new keystore: ");
        try {
          signer.saveKeystore(keystore, password);
        } catch (FileAlreadyExistsException e) {
          throw exists(keystore);
        }
        out.println(signer.address());
        err.println("x402j wallet: key written to " + keystore + " (encrypted)");
      } else {
        out.println("address     " + signer.address());
        out.println("private key " + signer.exportPrivateKeyHex());
        err.println(
            "x402j wallet: keep the private key secret; anyone who has it can spend from this"
                + " address. Use it with: export X402J_PRIVATE_KEY=<private key>");
      }
      out.flush();
      err.flush();
      return 0;
    }
  }

  private static IllegalArgumentException exists(Path keystore) {
    return new IllegalArgumentException(
        keystore
            + " exists; a keystore is never overwritten: choose another file, or move that one");
  }

  /** {@code wallet address}. */
  @Command(
      name = "address",
      mixinStandardHelpOptions = true,
      description = "Prints the address of the key in use.")
  static final class Address implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOptions key;

    @Option(names = "--solana", description = "The Solana key's address (from --svm-key-env).")
    boolean solana;

    @Override
    public Integer call() throws Exception {
      if (solana) {
        spec.commandLine().getOut().println(solanaKey(key, System.getenv()).address());
        spec.commandLine().getOut().flush();
        return 0;
      }
      spec.commandLine().getOut().println(key.signer(System.getenv(), System.console()).address());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code wallet balance}. */
  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the ETH (gas) and token balances of the key in use, or of --address.",
        "On a Solana network (solana:…), the SOL and token balances of the key in"
            + " X402J_SVM_PRIVATE_KEY, or of a base58 --address."
      })
  static final class Balance implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOptions key;

    @Option(
        names = "--address",
        paramLabel = "ADDRESS",
        description = "Any address instead of the key's.")
    String address;

    @Option(
        names = "--network",
        paramLabel = "NETWORK",
        required = true,
        description = "e.g. eip155:84532.")
    String network;

    @Option(
        names = "--rpc-url",
        paramLabel = "URL",
        required = true,
        description = "A JSON-RPC endpoint; may hold $${ENV_VAR} references.")
    String rpcUrl;

    @Option(
        names = "--asset",
        paramLabel = "ADDRESS",
        description = "The token (default: the network's USDC).")
    String asset;

    @Override
    public Integer call() throws Exception {
      NetworkRegistry registry = NetworkRegistry.defaults();
      Network target;
      try {
        target = registry.resolve(network);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--network: " + e.getMessage());
      }
      if (Network.SOLANA.equals(target.namespace())) {
        return solanaBalance(registry, target);
      }
      EvmAddress owner =
          address != null
              ? EvmAddress.parse(address)
              : key.signer(System.getenv(), System.console()).address();
      NetworkRegistry networks = NetworkRegistry.defaults();
      Network resolved = networks.resolve(network);
      JsonRpcClient rpc =
          JsonRpcClient.builder(EnvPlaceholders.resolve(rpcUrl, System.getenv(), "--rpc-url"))
              .build();
      Optional<Asset> token =
          asset != null ? networks.findAsset(resolved, asset) : networks.defaultAsset(resolved);
      String tokenAddress =
          asset != null
              ? EvmAddress.parse(asset).toString()
              : token.map(Asset::address).orElse(null);
      Map<String, String> lines = new LinkedHashMap<>();
      BigInteger wei =
          Hex.parseQuantity(
              rpc.call("eth_getBalance", owner.toLowerHex(), "latest").join().asText());
      lines.put("address", owner.toString());
      lines.put("network", resolved.toString());
      lines.put("ETH", new BigDecimal(wei).movePointLeft(18).stripTrailingZeros().toPlainString());
      if (tokenAddress != null) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("to", EvmAddress.parse(tokenAddress).toLowerHex());
        call.put("data", Hex.encode(Abi.call("balanceOf(address)").address(owner).encode()));
        BigInteger units = Hex.parseQuantity(rpc.call("eth_call", call, "latest").join().asText());
        lines.put(
            token.map(Asset::symbol).orElse(tokenAddress),
            token
                .map(
                    t ->
                        new BigDecimal(units)
                            .movePointLeft(t.decimals())
                            .stripTrailingZeros()
                            .toPlainString())
                .orElse(units + " atomic units"));
      }
      PrintWriter out = spec.commandLine().getOut();
      lines.forEach((k, v) -> out.printf("%-8s %s%n", k, v));
      out.flush();
      return 0;
    }

    /** SOL (lamports, 9 decimals) and the token held in the owner's associated token account. */
    private int solanaBalance(NetworkRegistry networks, Network resolved) {
      SolanaAddress owner;
      try {
        owner =
            address != null
                ? SolanaAddress.parse(address.strip())
                : solanaKey(key, System.getenv()).address();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), (address != null ? "--address: " : "") + e.getMessage());
      }
      SolanaAddress mint;
      Optional<Asset> token;
      try {
        token =
            asset != null ? networks.findAsset(resolved, asset) : networks.defaultAsset(resolved);
        String mintText = asset != null ? asset.strip() : token.map(Asset::address).orElse(null);
        mint = mintText == null ? null : SolanaAddress.parse(mintText);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--asset: " + e.getMessage());
      }
      SolanaRpcClient rpc =
          SolanaRpcClient.connect(EnvPlaceholders.resolve(rpcUrl, System.getenv(), "--rpc-url"));
      Map<String, String> lines = new LinkedHashMap<>();
      lines.put("address", owner.toString());
      lines.put("network", resolved.toString());
      long lamports = rpc.getBalance(owner.toString()).join();
      lines.put(
          "SOL",
          new BigDecimal(BigInteger.valueOf(lamports))
              .movePointLeft(9)
              .stripTrailingZeros()
              .toPlainString());
      if (mint != null) {
        Optional<SolanaRpcClient.AccountInfo> mintAccount =
            rpc.getAccountInfo(mint.toString()).join();
        String label = token.map(Asset::symbol).orElse(mint.toString());
        if (mintAccount.isEmpty()) {
          lines.put(label, "no such mint on this network");
        } else {
          SolanaAddress program = SolanaAddress.parse(mintAccount.get().owner());
          SolanaAddress ata = TokenAccounts.associated(owner, mint, program);
          Optional<SolanaRpcClient.AccountInfo> held = rpc.getAccountInfo(ata.toString()).join();
          if (held.isEmpty()) {
            lines.put(label, "0 (no token account " + ata + ")");
          } else {
            SolanaRpcClient.TokenBalance balance =
                rpc.getTokenAccountBalance(ata.toString()).join();
            lines.put(
                label,
                new BigDecimal(balance.amount())
                    .movePointLeft(balance.decimals())
                    .stripTrailingZeros()
                    .toPlainString());
          }
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      lines.forEach((k, v) -> out.printf("%-8s %s%n", k, v));
      out.flush();
      return 0;
    }
  }

  /** The Solana key of {@code key}'s variable; an error naming the variable when it is not set. */
  static SolanaKeypair solanaKey(KeyOptions key, Map<String, String> env) {
    return key.svmSigner(env)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no Solana key: set "
                        + key.svmKeyEnv
                        + " to a base58 64-byte secret (x402j wallet new --solana makes one)"));
  }
}
