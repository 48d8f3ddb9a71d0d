package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.client.testing.ScriptedNode;
import io.x402j.client.testing.ScriptedShop;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.evm.Eip1559Transaction;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Attack: {@code x402j pay} "approves Permit2 only when asked ({@code --approve-permit2})", and
 * when asked approves just what the payment needs unless {@code --approve-permit2-amount} says
 * more. But a 402 that merely declares {@code erc20ApprovalGasSponsoring} makes it sign, without
 * {@code --approve-permit2}, a raw {@code approve(Permit2, 2^256-1)} transaction from the payer's
 * key and hand it to the seller (whose facilitator broadcasts it): an unlimited allowance on the
 * payer's whole token balance, for a one-cent payment, that the user never asked for (the payer is
 * built without {@code withExactPermit2Approvals}). The CLI should sign at most the payment's
 * amount there (or sign no approval unless {@code --approve-permit2} was given).
 */
class PayPermit2ApprovalAttackTest {
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

  PayPermit2CommandTest.Run pay(String... args) throws Exception {
    StringWriter err = new StringWriter();
    CommandLine cli = X402j.commandLine();
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    all[0] = "pay";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = shop.url() + "/infer";
    CommandLine.ParseResult parsed = cli.parseArgs(all);
    PayCommand command = (PayCommand) parsed.subcommand().commandSpec().userObject();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        command.run(Map.of("X402J_PRIVATE_KEY", payer.exportPrivateKeyHex()), new PrintStream(out));
    return new PayPermit2CommandTest.Run(exit, out.toString(), err.toString());
  }

  @Test
  void aDeclaredErc20SponsoringNeverGetsAnUnlimitedApprovalUnasked() throws Exception {
    shop.asks(
            PayPermit2CommandTest.asks(
                Map.of(Erc20ApprovalGasSponsoring.KEY, Map.of("info", Map.of("version", "1"))),
                PayPermit2CommandTest.permit2Exact(10_000)))
        .answersWithReceipt(PayPermit2CommandTest.receipt("10000"));

    PayPermit2CommandTest.Run run =
        pay("--rpc-url", node.url(), "--max", "$0.01"); // no --approve-permit2

    assertThat(run.exit()).as(run.err()).isZero();
    PaymentPayload sent = HeaderCodec.standard().decodePaymentSignature(shop.payments.get(0));
    Erc20ApprovalGasSponsoring approval =
        Erc20ApprovalGasSponsoring.fromExtensions(sent.extensions()).orElseThrow();
    Eip1559Transaction.Signed tx =
        Eip1559Transaction.decodeSigned(Hex.decode(approval.signedTransaction()));
    assertThat(tx.transaction().data())
        .as("the approval the payer signed without --approve-permit2")
        .isEqualTo(Permit2Calls.erc20Approve(Permit2.ADDRESS, BigInteger.valueOf(10_000)));
  }
}
