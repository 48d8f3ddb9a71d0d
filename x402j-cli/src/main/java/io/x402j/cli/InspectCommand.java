package io.x402j.cli;

import io.x402j.client.Payer;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PlannedPayment;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.X402Exception;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.WireCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code x402j inspect}: what a URL asks to be paid, without paying. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Requests URL without paying and shows every payment option it offers: price in tokens and"
          + " atomic units, network, token, recipient, time to pay. Tokens the built-in registry"
          + " does not know are shown in tokens when --networks names them or --rpc-url reaches"
          + " their chain.",
      "Exit status: 0 shown (or no payment asked); 4 the 402 carries no readable x402"
          + " requirements; 6 the server could not be reached."
    })
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HttpOptions http;

  @Mixin NetworkOptions networkOptions;

  @Option(names = "--json", description = "Print the requirements as JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    return run(System.getenv());
  }

  int run(Map<String, String> env) throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KnownNetworks known = networkOptions.load(env);
    HttpResponse<byte[]> response;
    try {
      response =
          HttpClient.newHttpClient().send(http.request(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      err.println("x402j inspect: cannot reach " + http.url + ": " + e.getMessage());
      err.flush();
      return PayCommand.UNREACHABLE;
    }
    if (response.statusCode() != 402) {
      out.println("HTTP " + response.statusCode() + ": no payment asked");
      out.flush();
      return 0;
    }
    PaymentChallenge challenge =
        new PaymentChallenge(response.uri(), response.headers().map(), response.body());
    List<PlannedPayment> offers;
    try {
      offers = Payer.offers(challenge, known.registry());
    } catch (X402Exception e) {
      err.println("x402j inspect: " + e.getMessage());
      err.flush();
      return PayCommand.PAYMENT_FAILED;
    }
    if (json) {
      String header = challenge.header(PaymentHeader.PAYMENT_REQUIRED.headerName()).orElse(null);
      out.println(
          header != null
              ? WireCodec.standard().toJson(HeaderCodec.standard().decodePaymentRequired(header))
              : new String(response.body(), StandardCharsets.UTF_8));
      out.flush();
      return 0;
    }
    KnownNetworks.Learned learned = known.learnTokens(offers);
    NetworkRegistry networks = learned.known().registry();
    if (learned.known() != known) {
      offers = Payer.offers(challenge, networks);
    }
    out.println(table(http.url, offers, networks));
    out.flush();
    learned.notes().forEach(note -> err.println("x402j inspect: " + note));
    err.flush();
    return 0;
  }

  /** {@code 0.01 USDC ($0.01)}: tokens, and dollars for USD stablecoins; {@code ?} unknown. */
  private static String price(PlannedPayment p) {
    return p.tokens()
        .map(
            t ->
                t.toPlainString()
                    + " "
                    + p.asset().symbol()
                    + p.usd().map(usd -> " ($" + usd.toPlainString() + ")").orElse(""))
        .orElse("?");
  }

  static String table(String url, List<PlannedPayment> offers, NetworkRegistry networks) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", "price", "atomic", "network", "token", "pay to", "time"});
    for (int i = 0; i < offers.size(); i++) {
      PlannedPayment p = offers.get(i);
      var r = p.requirements();
      String network =
          networks.find(r.network()).map(NetworkInfo::displayName).orElse("unknown")
              + " ("
              + r.network()
              + ")";
      rows.add(
          new String[] {
            Integer.toString(i + 1),
            price(p),
            r.amount().toString(),
            network,
            r.asset(),
            r.payTo(),
            r.maxTimeoutSeconds() + " s"
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    int version = offers.isEmpty() ? 2 : offers.get(0).x402Version();
    out.append(url)
        .append(" asks for a payment (x402 v")
        .append(version)
        .append("), ")
        .append(offers.size())
        .append(offers.size() == 1 ? " option:\n" : " options:\n");
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(String.format("%-" + widths[c] + "s", row[c]));
        if (c < row.length - 1) {
          line.append("  ");
        }
      }
      out.append("  ").append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString().stripTrailing();
  }
}
