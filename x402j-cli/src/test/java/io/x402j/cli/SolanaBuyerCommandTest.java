package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.TokenAccounts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The buyer's Solana flags: {@code pay --solana-rpc-url} (or {@code X402J_SOLANA_RPC_URL}) with the
 * key in {@code X402J_SVM_PRIVATE_KEY}, {@code wallet new --solana}, and {@code wallet balance} on
 * a Solana network against a scripted JSON-RPC node over real HTTP.
 */
class SolanaBuyerCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
  static final String USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void walletNewSolanaPrintsAnAddressAndItsSecretOnce() {
    Run run = run("wallet", "new", "--solana");

    assertThat(run.exit()).isZero();
    String[] lines = run.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    String address = lines[0].replaceFirst("^address +", "").strip();
    String secret = lines[1].replaceFirst("^private key +", "").strip();
    assertThat(SolanaKeypair.fromBase58Secret(secret).address())
        .isEqualTo(SolanaAddress.parse(address));
    assertThat(run.err()).contains("export X402J_SVM_PRIVATE_KEY=<private key>");
    assertThat(run.err()).doesNotContain(secret);

    Run keystore = run("wallet", "new", "--solana", "--keystore", "k.json");
    assertThat(keystore.exit()).isEqualTo(2);
    assertThat(keystore.err()).contains("--solana has no keystore format");
  }

  @Test
  void payTakesTheSolanaNodeFromTheFlagOrTheEnvironment() {
    PayCommand flag =
        PayCommandTest.parse(
            PayCommand.class, "pay", "--solana-rpc-url", "http://node:8899/${KEY}", "https://x");
    PayCommand none = PayCommandTest.parse(PayCommand.class, "pay", "https://x");
    PayCommand ftp =
        PayCommandTest.parse(PayCommand.class, "pay", "--solana-rpc-url", "ftp://n", "https://x");

    assertThat(flag.solanaRpcUrl(Map.of("KEY", "k1", "X402J_SOLANA_RPC_URL", "http://other")))
        .isEqualTo("http://node:8899/k1");
    assertThat(none.solanaRpcUrl(Map.of("X402J_SOLANA_RPC_URL", "https://api.devnet.solana.com")))
        .isEqualTo("https://api.devnet.solana.com");
    assertThat(none.solanaRpcUrl(Map.of())).isNull();
    assertThatThrownBy(() -> ftp.solanaRpcUrl(Map.of()))
        .hasMessageStartingWith("--solana-rpc-url must be an http(s) URL");
  }

  @Test
  void theSolanaKeyComesFromTheEnvironmentAndIsNeverRepeated() {
    KeyOptions key = PayCommandTest.parse(PayCommand.class, "pay", "https://x").key;
    SolanaKeypair keypair = SolanaKeypair.generate();

    assertThat(key.svmSigner(Map.of())).isEmpty();
    assertThat(key.svmSigner(Map.of("X402J_SVM_PRIVATE_KEY", keypair.secretBase58())))
        .hasValueSatisfying(k -> assertThat(k.address()).isEqualTo(keypair.address()));
    assertThat(key.hasEvmKey(Map.of("X402J_SVM_PRIVATE_KEY", keypair.secretBase58()))).isFalse();
    String typo = keypair.secretBase58().substring(1) + "0";
    assertThatThrownBy(() -> key.svmSigner(Map.of("X402J_SVM_PRIVATE_KEY", typo)))
        .hasMessageStartingWith("X402J_SVM_PRIVATE_KEY does not hold a usable Solana key")
        .hasMessageNotContaining(typo.substring(0, 12));
    String evmKey = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    assertThatThrownBy(() -> key.svmSigner(Map.of("X402J_SVM_PRIVATE_KEY", evmKey)))
        .hasMessageStartingWith("X402J_SVM_PRIVATE_KEY does not hold a usable Solana key")
        .hasMessageNotContaining(evmKey.substring(0, 12));
  }

  @Test
  void walletBalanceOnSolanaShowsSolAndTheUsdcOfTheKeysTokenAccount() throws Exception {
    SolanaKeypair owner = SolanaKeypair.generate();
    SolanaAddress ata =
        TokenAccounts.associated(owner.address(), SolanaAddress.parse(USDC), SolanaPrograms.TOKEN);
    byte[] mintData = new byte[82];
    mintData[44] = 6;
    try (ScriptedServer node = new ScriptedServer()) {
      node.respond(
          "/",
          body -> {
            try {
              JsonNode request = JSON.readTree(body);
              if (request.isArray()) {
                ArrayNode answers = JSON.createArrayNode();
                for (JsonNode one : request) {
                  answers.add(JSON.readTree(answer(one, owner, ata, mintData)));
                }
                return ScriptedServer.Answer.json(200, answers.toString());
              }
              return ScriptedServer.Answer.json(200, answer(request, owner, ata, mintData));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });

      Run run =
          run(
              "wallet",
              "balance",
              "--network",
              DEVNET,
              "--rpc-url",
              node.url() + "/",
              "--address",
              owner.address().toString());

      assertThat(run.err()).isEmpty();
      assertThat(run.exit()).isZero();
      assertThat(run.out())
          .contains("address  " + owner.address())
          .contains("network  " + DEVNET)
          .contains("SOL      1.5")
          .contains("USDC     2.5");
    }
  }

  private static String answer(
      JsonNode request, SolanaKeypair owner, SolanaAddress ata, byte[] mintData) {
    String method = request.get("method").asText();
    String param = request.path("params").path(0).asText();
    String result;
    switch (method) {
      case "getBalance" -> {
        assertThat(param).isEqualTo(owner.address().toString());
        result = "{\"context\":{\"slot\":1},\"value\":1500000000}";
      }
      case "getAccountInfo" -> {
        if (param.equals(USDC)) {
          result = account(SolanaPrograms.TOKEN.toString(), mintData);
        } else if (param.equals(ata.toString())) {
          result = account(SolanaPrograms.TOKEN.toString(), new byte[165]);
        } else {
          result = "{\"context\":{\"slot\":1},\"value\":null}";
        }
      }
      case "getTokenAccountBalance" -> {
        assertThat(param).isEqualTo(ata.toString());
        result =
            "{\"context\":{\"slot\":1},\"value\":{\"amount\":\"2500000\",\"decimals\":6,"
                + "\"uiAmount\":2.5,\"uiAmountString\":\"2.5\"}}";
      }
      default -> throw new IllegalStateException("unexpected " + method);
    }
    return "{\"jsonrpc\":\"2.0\",\"id\":" + request.get("id") + ",\"result\":" + result + "}";
  }

  private static String account(String owner, byte[] data) {
    return "{\"context\":{\"slot\":1},\"value\":{\"lamports\":1461600,\"owner\":\""
        + owner
        + "\",\"data\":[\""
        + Base64.getEncoder().encodeToString(data)
        + "\",\"base64\"],\"executable\":false,\"rentEpoch\":0,\"space\":"
        + data.length
        + "}}";
  }
}
