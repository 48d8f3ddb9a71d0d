package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.testing.ScriptedNode;
import io.x402j.client.testing.ScriptedShop;
import io.x402j.core.Network;
import io.x402j.core.TokenAmount;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequired;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.Hex;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Calls;
import io.x402j.evm.PrivateKeySigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code x402j pay} on Permit2 and upto offers, against a scripted seller and a scripted EVM node
 * over real HTTP: ceiling vs charged, a short allowance refused naming {@code --approve-permit2},
 * the approval sent only when asked, and gas sponsoring when the server offers it.
 */
class PayPermit2CommandTest {
  static final Network SEPOLIA = Network.evm(84532);
  static final String USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
  static final String SELLER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String FACILITATOR = "0x2222222222222222222222222222222222222222";

  record Run(int exit, String out, String err) {}

  final PrivateKeySigner payer = PrivateKeySigner.generate(new SecureRandom());
  ScriptedShop shop;
  ScriptedNode node;

  @BeforeEach
  void start() throws Exception {
    shop = ScriptedShop.start();
    node = ScriptedNode.start(84532);
  }

  @AfterEach
  void stop() {
    shop.close();
    node.close();
  }

  Run pay(String... args) throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new PrintWriter(err));
    CommandLine.ParseResult parsed =
        cli.parseArgs(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("pay"),
                    java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args),
                        java.util.stream.Stream.of(shop.url() + "/infer")))
                .toArray(String[]::new));
    PayCommand command = (PayCommand) parsed.subcommand().commandSpec().userObject();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit;
    try {
      exit =
          command.run(
              Map.of("X402J_PRIVATE_KEY", payer.exportPrivateKeyHex()), new PrintStream(out));
    } catch (CommandLine.ParameterException e) {
      err.write(e.getMessage());
      exit = 2;
    }
    return new Run(exit, out.toString(), err.toString());
  }

  static PaymentRequirements upto(long ceiling) {
    return PaymentRequirements.builder()
        .scheme("upto")
        .network(SEPOLIA)
        .amount(TokenAmount.of(ceiling))
        .asset(USDC)
        .payTo(SELLER)
        .extra("name", "USDC")
        .extra("version", "2")
        .extra("facilitatorAddress", FACILITATOR)
        .build();
  }

  static PaymentRequirements permit2Exact(long amount) {
    return PaymentRequirements.builder()
        .network(SEPOLIA)
        .amount(TokenAmount.of(amount))
        .asset(USDC)
        .payTo(SELLER)
        .extra("name", "USDC")
        .extra("version", "2")
        .extra("assetTransferMethod", "permit2")
        .build();
  }

  static PaymentRequired asks(Map<String, Object> extensions, PaymentRequirements offer) {
    return new PaymentRequired(
        "Payment required",
        ResourceInfo.of("https://api.example/infer"),
        List.of(offer),
        extensions,
        Map.of());
  }

  static String receipt(String amount) {
    return "{\"success\":true,\"transaction\":\"0x"
        + "ab".repeat(32)
        + "\",\"network\":\"eip155:84532\",\"amount\":\""
        + amount
        + "\"}";
  }

  @Test
  void anUptoPaymentWithoutANodeShowsTheReportedAmountCountedAtTheCeiling() throws Exception {
    // Confirmed on chain (with a node) the settled amount is charged: PayPermit2IT.
    shop.asks(asks(null, upto(50_000))).answersWithReceipt(receipt("2500"));

    Run run = pay();

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("paid");
    assertThat(run.err())
        .contains("paid up to 0.05 USDC on eip155:84532")
        .contains(
            "ceiling 0.05 USDC, charged 0.05 USDC (the server reported 0.0025 USDC; counted at"
                + " the ceiling: no EVM node for eip155:84532 to confirm the settlement on chain)");
  }

  @Test
  void aChargeAboveTheCeilingIsShownAndCountedAtTheCeiling() throws Exception {
    shop.asks(asks(null, upto(50_000))).answersWithReceipt(receipt("70000"));

    Run run = pay();

    assertThat(run.err())
        .contains(
            "ceiling 0.05 USDC, charged 0.05 USDC (the server claimed 0.07 USDC, above the"
                + " ceiling: counted at the ceiling)");
  }

  @Test
  void anUptoOfferCountsAtItsCeilingAgainstMax() throws Exception {
    shop.asks(asks(null, upto(200_000))).answersWithReceipt(receipt("1"));

    Run run = pay("--max", "$0.10");

    assertThat(run.exit()).isEqualTo(PayCommand.REFUSED);
    assertThat(shop.payments).isEmpty();
  }

  @Test
  void aShortAllowanceWithoutSponsoringIsRefusedNamingApprovePermit2() throws Exception {
    shop.asks(asks(null, permit2Exact(10_000))).answersWithReceipt(receipt("10000"));

    Run run = pay("--rpc-url", node.url());

    assertThat(run.exit()).as(run.err()).isEqualTo(PayCommand.REFUSED);
    assertThat(run.err())
        .contains("has approved Permit2 for only 0 USDC")
        .contains("--approve-permit2");
    assertThat(shop.payments).isEmpty();
    assertThat(node.sent).isEmpty();
  }

  @Test
  void theServersGasSponsoringIsUsedInsteadOfAnApproval() throws Exception {
    node.eip2612Nonce(BigInteger.ZERO);
    shop.asks(
            asks(
                Map.of(Eip2612GasSponsoring.KEY, Map.of("info", Map.of("version", "1"))),
                permit2Exact(10_000)))
        .answersWithReceipt(receipt("10000"));

    Run run = pay("--rpc-url", node.url());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(node.sent).isEmpty();
    PaymentPayload sent = HeaderCodec.standard().decodePaymentSignature(shop.payments.get(0));
    assertThat(sent.extensions()).containsKey(Eip2612GasSponsoring.KEY);
  }

  @Test
  void approvePermit2SendsTheApprovalFromThePayerThenPays() throws Exception {
    shop.asks(asks(null, permit2Exact(10_000))).answersWithReceipt(receipt("10000"));

    Run run = pay("--rpc-url", node.url(), "--approve-permit2");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(node.sent).hasSize(1);
    Eip1559Transaction.Signed tx = Eip1559Transaction.decodeSigned(Hex.decode(node.sent.get(0)));
    assertThat(tx.sender()).isEqualTo(payer.address());
    assertThat(tx.transaction().to()).isEqualTo(EvmAddress.parse(USDC));
    assertThat(tx.transaction().chainId()).isEqualTo(84532);
    assertThat(tx.transaction().data())
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, BigInteger.valueOf(10_000)));
    assertThat(run.err())
        .contains("approved Permit2 (" + Permit2.ADDRESS + ") to spend 0.01 USDC")
        .contains("from " + payer.address())
        .contains("in transaction 0x" + "cd".repeat(32));
    assertThat(shop.payments).hasSize(1);
  }

  @Test
  void approvePermit2ApprovesAGivenCapAndNothingWhenTheAllowanceCovers() throws Exception {
    shop.asks(asks(null, upto(50_000))).answersWithReceipt(receipt("100"));

    Run first =
        pay("--rpc-url", node.url(), "--approve-permit2", "--approve-permit2-amount", "1000000");
    Run second =
        pay("--rpc-url", node.url(), "--approve-permit2", "--approve-permit2-amount", "1000000");

    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(node.sent).hasSize(1);
    assertThat(Eip1559Transaction.decodeSigned(Hex.decode(node.sent.get(0))).transaction().data())
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, BigInteger.valueOf(1_000_000)));
    assertThat(second.err()).doesNotContain("approved Permit2");
  }

  @Test
  void approvePermit2NeedsANodeOfTheOffersChain() throws Exception {
    shop.asks(asks(null, permit2Exact(10_000))).answersWithReceipt(receipt("10000"));

    Run run = pay("--approve-permit2");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--approve-permit2 needs a node of eip155:84532");
    assertThat(shop.payments).isEmpty();
  }

  @Test
  void anApprovalCapBelowThePaymentIsRefused() throws Exception {
    shop.asks(asks(null, permit2Exact(10_000))).answersWithReceipt(receipt("10000"));

    Run run = pay("--rpc-url", node.url(), "--approve-permit2", "--approve-permit2-amount", "9999");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("less than the 10000 the payment needs");
    assertThat(node.sent).isEmpty();
    assertThat(shop.payments).isEmpty();
  }

  @Test
  void aServerAskingForAnAllowanceGetsAMessageNamingApprovePermit2() throws Exception {
    shop.asks(asks(null, permit2Exact(10_000)))
        .answersPaidWith(
            412, "{\"x402Version\":2,\"error\":\"permit2_allowance_required\",\"accepts\":[]}");

    Run run = pay();

    assertThat(run.exit()).isEqualTo(PayCommand.PAYMENT_FAILED);
    assertThat(run.err())
        .contains("permit2_allowance_required")
        .contains("rerun with --approve-permit2");
  }
}
