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

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
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

    @Override
    public Integer call() throws Exception {
      spec.commandLine().getOut().println(key.signer(System.getenv(), System.console()).address());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code wallet balance}. */
  @Command(
      name = "balance",
      mixinStandardHelpOptions = true,
      description = "Prints the ETH (gas) and token balances of the key in use, or of --address.")
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
  }
}
