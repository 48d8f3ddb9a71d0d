package io.x402j.cli;

import io.x402j.client.Charge;
import io.x402j.client.PaidResponse;
import io.x402j.client.Payer;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.RequirementSelector;
import io.x402j.client.SpendControls;
import io.x402j.client.SpendLog;
import io.x402j.client.X402Client;
import io.x402j.config.EnvPlaceholders;
import io.x402j.config.ValueParser;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.X402Exception;
import io.x402j.core.support.Text;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import io.x402j.evm.Eip2612GasSponsoring;
import io.x402j.evm.Erc20ApprovalGasSponsoring;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmClient;
import io.x402j.evm.Permit2;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.svm.SolanaKeypair;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code x402j pay}: requests a URL like curl and pays the 402 it answers with. */
@Command(
    name = "pay",
    mixinStandardHelpOptions = true,
    description = {
      "Requests URL and, if it asks for payment, pays once and requests it again. The body goes to"
          + " stdout; what was paid goes to stderr. With --rpc-url, or an rpcUrl in --networks, it"
          + " first asks once without paying, to read tokens it does not know from their contracts.",
      "Exit status: 0 done; 2 bad usage; 3 refused by the spend limits (nothing signed);"
          + " 4 paid but the payment failed or was refused by the server; 5 an HTTP error;"
          + " 6 the server could not be reached."
    })
final class PayCommand implements Callable<Integer> {
  static final int REFUSED = 3;
  static final int PAYMENT_FAILED = 4;
  static final int HTTP_ERROR = 5;
  static final int UNREACHABLE = 6;

  /** The most one payment may be when {@code --max} is not given. */
  static final String DEFAULT_MAX = "$0.10";

  @Spec CommandSpec spec;

  @Mixin HttpOptions http;

  @Mixin KeyOptions key;

  @Mixin NetworkOptions networkOptions;

  @Option(
      names = "--max",
      paramLabel = "PRICE",
      description = {
        "The most to pay per payment: dollars such as $0.50 (USD stablecoins only), atomic units"
            + " such as 100000 (any token), or 'unlimited'. Default: "
            + DEFAULT_MAX
            + ", which refuses tokens that are not known USD stablecoins (built in, or marked"
            + " so in --networks)."
      })
  String max;

  @Mixin SpendOptions spend;

  @Option(
      names = "--spend-log",
      paramLabel = "FILE",
      description = "Record payments here, so that --budget holds across runs.")
  Path spendLog;

  @Option(names = "--dry-run", description = "Show what would be paid; sign and pay nothing.")
  boolean dryRun;

  @Option(
      names = "--solana-rpc-url",
      paramLabel = "URL",
      description =
          "A Solana JSON-RPC endpoint for recent blockhashes and mints, when paying with the key"
              + " in X402J_SVM_PRIVATE_KEY (default: $X402J_SOLANA_RPC_URL); may hold"
              + " $${ENV_VAR} references.")
  String solanaRpcUrl;

  @Option(
      names = "--approve-permit2",
      description = {
        "When the offer is paid through Permit2 (an exact offer with assetTransferMethod permit2,"
            + " or an upto offer) and the payer's Permit2 allowance for the token is short, first"
            + " send approve(Permit2, amount) from the payer's key on the offer's chain through the"
            + " --rpc-url node of that chain, wait until it is mined, then pay. Without it nothing"
            + " is approved: a short allowance is paid only when the server offers gas sponsoring."
      })
  boolean approvePermit2;

  @Option(
      names = "--approve-permit2-amount",
      paramLabel = "ATOMIC",
      description =
          "With --approve-permit2: the allowance to approve, in atomic units (default: the"
              + " offer's amount, for upto its ceiling).")
  String approvePermit2Amount;

  /** Where {@code --solana-rpc-url} is looked up when the flag is not given. */
  static final String SOLANA_RPC_URL_ENV = "X402J_SOLANA_RPC_URL";

  /** The Solana node to ask, from the flag or the environment; null when neither gives one. */
  String solanaRpcUrl(Map<String, String> env) {
    String text = solanaRpcUrl;
    String setting = "--solana-rpc-url";
    if (text == null) {
      text = env.get(SOLANA_RPC_URL_ENV);
      setting = SOLANA_RPC_URL_ENV;
      if (text == null || text.isBlank()) {
        return null;
      }
    }
    String resolved = EnvPlaceholders.resolve(text, env, setting);
    return ValueParser.uri("http", "https").parse(setting, resolved).toString();
  }

  /** The spend limits the flags describe; without {@code --max}, at most $0.10 per payment. */
  SpendControls controls(NetworkRegistry networks) {
    SpendControls.Builder b = SpendControls.builder();
    String m = max == null ? DEFAULT_MAX : max.strip();
    if (m.startsWith("$")) {
      try {
        b.maxPerPaymentUsd(m);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--max: " + e.getMessage());
      }
    } else if (!m.equals("unlimited")) {
      try {
        b.maxPerPayment(TokenAmount.parse(m));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--max must be $DOLLARS, a whole number of atomic units or unlimited, got "
                + Text.quote(max));
      }
    }
    if (spend.onlyNetworks != null) {
      b.allowNetworks(spend.onlyNetworks.stream().map(networks::resolve).toArray(Network[]::new));
    }
    if (spend.budget != null) {
      if (spendLog == null) {
        throw new ParameterException(
            spec.commandLine(), "--budget needs --spend-log FILE to remember what was spent");
      }
      Duration window = ValueParser.duration().parse("--budget-window", spend.budgetWindow);
      b.budgetUsd(spend.budget, window);
    }
    return b.build();
  }

  /** The cap on how long a signed authorization stays valid. */
  Duration authorizationLifetime() {
    Duration lifetime =
        ValueParser.duration()
            .parse("--max-authorization-lifetime", spend.maxAuthorizationLifetime);
    if (lifetime.compareTo(ExactEvmClient.MIN_AUTHORIZATION_LIFETIME) < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-authorization-lifetime must be at least "
              + ExactEvmClient.MIN_AUTHORIZATION_LIFETIME.toSeconds()
              + "s (facilitators want 6 s left when they settle), got "
              + spend.maxAuthorizationLifetime);
    }
    return lifetime;
  }

  /** How to choose among offers. */
  RequirementSelector selector(NetworkRegistry networks) {
    if (spend.preferNetworks == null || spend.preferNetworks.isEmpty()) {
      return RequirementSelector.first();
    }
    return RequirementSelector.preferNetworks(
        spend.preferNetworks.stream().map(networks::resolve).toArray(Network[]::new));
  }

  @Override
  public Integer call() throws Exception {
    return run(System.getenv(), System.out);
  }

  int run(Map<String, String> env, PrintStream out) throws IOException, InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    KnownNetworks known;
    try {
      known = networkOptions.load(env);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    NetworkRegistry networks = known.registry();
    SpendControls controls;
    RequirementSelector selector;
    Duration lifetime;
    try {
      controls = controls(networks);
      selector = selector(networks);
      lifetime = authorizationLifetime();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Optional<SolanaKeypair> svm;
    String rpcUrl;
    try {
      svm = key.svmSigner(env);
      rpcUrl = svm.isPresent() ? solanaRpcUrl(env) : null;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    // With a Solana key alone, no EVM key is needed; with neither, the EVM key's error says so.
    PrivateKeySigner signer =
        svm.isPresent() && !key.hasEvmKey(env) ? null : key.signer(env, System.console());
    if (known.canLearn()) {
      try {
        networks = learnTokens(known, err);
      } catch (IOException e) {
        err.println("x402j pay: cannot reach " + http.url + ": " + e.getMessage());
        err.flush();
        return UNREACHABLE;
      }
    }
    BigInteger approveAmount = null;
    if (approvePermit2Amount != null) {
      if (!approvePermit2) {
        throw new ParameterException(
            spec.commandLine(), "--approve-permit2-amount needs --approve-permit2");
      }
      try {
        approveAmount = TokenAmount.parse(approvePermit2Amount.strip()).value();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--approve-permit2-amount: " + e.getMessage());
      }
    }
    if (approvePermit2 && signer == null) {
      throw new ParameterException(
          spec.commandLine(), "--approve-permit2 needs the EVM key that pays (X402J_PRIVATE_KEY)");
    }
    List<String> nodeNotes = new ArrayList<>();
    Map<Network, String> evmNodes =
        signer == null || !known.canLearn() ? Map.of() : known.evmNodes(nodeNotes);
    nodeNotes.forEach(note -> err.println("x402j pay: " + note));
    err.flush();
    SpendLog log;
    try {
      log = spendLog == null ? SpendLog.inMemory() : SpendLog.open(spendLog);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new ParameterException(spec.commandLine(), "--spend-log: " + e.getMessage());
    }
    try (log) {
      Payer.Builder builder =
          Payer.builder()
              .maxAuthorizationLifetime(lifetime)
              .networks(networks)
              .spendControls(controls)
              .spendLog(log)
              .selector(selector);
      if (signer != null) {
        builder.signer(signer);
        evmNodes.forEach(builder::evmRpcUrl);
      }
      if (svm.isPresent()) {
        builder.svmSigner(svm.get());
        if (rpcUrl != null) {
          builder.solanaRpcUrl(rpcUrl);
        }
      }
      Payer payer = builder.build();
      Function<PlannedPayment, String> from =
          p ->
              Network.SOLANA.equals(p.requirements().network().namespace())
                  ? svm.map(k -> k.address().toString()).orElse("?")
                  : signer == null ? "?" : signer.address().toString();
      if (signer != null && !dryRun && (approvePermit2 || !evmNodes.isEmpty())) {
        Integer stop;
        try {
          stop = permit2(payer, signer, evmNodes, approveAmount, err);
        } catch (IOException e) {
          err.println("x402j pay: " + e.getMessage());
          err.flush();
          return UNREACHABLE;
        }
        if (stop != null) {
          return stop;
        }
      }
      X402Client client = X402Client.builder(payer).dryRun(dryRun).build();
      PaidResponse<byte[]> response;
      try {
        response = client.send(http.request(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (PaymentRefusedException e) {
        err.println("x402j pay: nothing was paid:");
        e.reasons().forEach(r -> err.println("  - " + r));
        boolean dollarCap = max == null || max.strip().startsWith("$");
        if (dollarCap && e.reasons().stream().anyMatch(r -> r.contains("not a known USD"))) {
          err.println(
              "x402j pay: dollar limits pay only in tokens known as USD stablecoins: the"
                  + " built-in ones, and those a --networks FILE marks usdStablecoin: true"
                  + " (x402j devnet --write-networks FILE writes one for the devnet)");
        }
        if (max == null) {
          err.println(
              "x402j pay: without --max, at most "
                  + DEFAULT_MAX
                  + " is paid per payment, in known USD stablecoins only; raise it with --max"
                  + " '$1', give atomic units for other tokens (--max 100000), or say --max"
                  + " unlimited");
        }
        err.flush();
        return REFUSED;
      } catch (X402Exception e) {
        err.println("x402j pay: " + e.getMessage());
        err.flush();
        return PAYMENT_FAILED;
      } catch (IOException e) {
        err.println("x402j pay: cannot reach " + http.url + ": " + e.getMessage());
        err.flush();
        return UNREACHABLE;
      }
      out.write(response.body());
      out.flush();
      int status = report(response, from, err);
      if (status != 0 && !response.dryRun() && allowanceRequired(response)) {
        status = PAYMENT_FAILED; // refused by the server: the payment could not be settled
        err.println(
            "x402j pay: the server says the payer has not approved Permit2 for this token"
                + " (permit2_allowance_required): rerun with --approve-permit2 (and --rpc-url of"
                + " the chain) to send approve(Permit2, amount) from "
                + (signer == null ? "the payer" : signer.address().toString())
                + " first, or pay a server that offers gas sponsoring");
        err.flush();
      }
      return status;
    }
  }

  /** Why a server answered a payment with another 402: its {@code error}, quoted. */
  private static Optional<String> refusal(PaidResponse<byte[]> response) {
    if (response.statusCode() != 402) {
      return Optional.empty();
    }
    try {
      return response
          .response()
          .headers()
          .firstValue(PaymentHeader.PAYMENT_REQUIRED.headerName())
          .map(h -> HeaderCodec.standard().decodePaymentRequired(h).error())
          .filter(e -> !e.isBlank())
          .map(Text::quote);
    } catch (X402Exception | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether the paid request failed for want of a Permit2 allowance. */
  private static boolean allowanceRequired(PaidResponse<byte[]> response) {
    String reason = ErrorReason.PERMIT2_ALLOWANCE_REQUIRED.wire();
    if (response.receipt() != null && reason.equals(response.receipt().errorReason())) {
      return true;
    }
    if (response.statusCode() != 412 && response.statusCode() != 402) {
      return false;
    }
    byte[] body = response.body();
    return body != null
        && body.length < 1 << 20
        && new String(body, StandardCharsets.UTF_8).contains(reason);
  }

  /**
   * Before paying a Permit2 offer: reads the payer's Permit2 allowance (when a node of the offer's
   * chain is known) and approves with {@code --approve-permit2}, or refuses with a message naming
   * it when the allowance is short and the server offers no gas sponsoring. Returns the exit status
   * to stop with, or {@code null} to go on and pay.
   */
  private Integer permit2(
      Payer payer,
      PrivateKeySigner signer,
      Map<Network, String> evmNodes,
      BigInteger approveAmount,
      PrintWriter err)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> asked =
        HttpClient.newHttpClient().send(http.request(), HttpResponse.BodyHandlers.ofByteArray());
    if (asked.statusCode() != 402) {
      return null;
    }
    PaymentChallenge challenge =
        new PaymentChallenge(asked.uri(), asked.headers().map(), asked.body());
    PlannedPayment plan;
    try {
      plan = payer.plan(challenge);
    } catch (X402Exception e) {
      return null; // the paying request reports it
    }
    if (!Permit2Approval.usesPermit2(plan)) {
      return null;
    }
    Network network = plan.requirements().network();
    String node = evmNodes.get(network);
    if (node == null) {
      if (approvePermit2) {
        err.println(
            "x402j pay: --approve-permit2 needs a node of "
                + network
                + " to send the approval: give --rpc-url URL (or set "
                + NetworkOptions.RPC_URL_ENV
                + ")");
        err.flush();
        return 2;
      }
      return null; // paid plainly; the server says if the allowance is short
    }
    Permit2Approval approval = Permit2Approval.at(node, network);
    EvmAddress owner = signer.address();
    BigInteger needed = plan.requirements().amount().value();
    BigInteger allowance;
    try {
      allowance = approval.allowance(plan, owner);
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.println("x402j pay: cannot read the Permit2 allowance: " + e.getMessage());
      err.flush();
      return approvePermit2 ? UNREACHABLE : null;
    }
    if (allowance.compareTo(needed) >= 0) {
      return null;
    }
    EvmAddress token = Permit2Approval.token(plan);
    String what = amount(plan, TokenAmount.of(needed));
    if (approvePermit2) {
      BigInteger amount = approveAmount == null ? needed : approveAmount;
      if (amount.compareTo(needed) < 0) {
        err.println(
            "x402j pay: --approve-permit2-amount "
                + amount
                + " is less than the "
                + needed
                + " the payment needs");
        err.flush();
        return 2;
      }
      String hash = approval.approve(signer, token, amount);
      err.println(
          "x402j pay: approved Permit2 ("
              + Permit2.ADDRESS
              + ") to spend "
              + amount(plan, TokenAmount.of(amount))
              + " of token "
              + token
              + " from "
              + owner
              + " on "
              + network
              + " in transaction "
              + hash);
      err.flush();
      return null;
    }
    Map<String, Object> declared = declaredExtensions(challenge);
    if (declared.containsKey(Eip2612GasSponsoring.KEY)
        || declared.containsKey(Erc20ApprovalGasSponsoring.KEY)) {
      return null; // the client signs the sponsoring extension the server offers
    }
    err.println(
        "x402j pay: nothing was paid: the payment of "
            + what
            + " goes through Permit2, but "
            + owner
            + " has approved Permit2 for only "
            + amount(plan, TokenAmount.of(allowance))
            + " of token "
            + token
            + " on "
            + network
            + " and the server offers no gas sponsoring; rerun with --approve-permit2 to send"
            + " approve(Permit2, "
            + needed
            + ") from "
            + owner
            + " first (it costs gas)");
    err.flush();
    return REFUSED;
  }

  /** The extensions the 402 declares (v2), or none. */
  private static Map<String, Object> declaredExtensions(PaymentChallenge challenge) {
    try {
      return challenge
          .header(PaymentHeader.PAYMENT_REQUIRED.headerName())
          .map(h -> HeaderCodec.standard().decodePaymentRequired(h).extensions())
          .orElse(Map.of());
    } catch (X402Exception | IllegalArgumentException e) {
      return Map.of();
    }
  }

  /** {@code amount} of {@code plan}'s token for people: whole tokens when known, else atomic. */
  static String amount(PlannedPayment plan, TokenAmount amount) {
    if (plan.asset() == null) {
      return amount + " atomic units";
    }
    return new java.math.BigDecimal(amount.value())
            .movePointLeft(plan.asset().decimals())
            .stripTrailingZeros()
            .toPlainString()
        + " "
        + plan.asset().symbol();
  }

  /**
   * Asks for the URL once without paying, to read the tokens its 402 names from their contracts;
   * tells {@code err} what was learned. The networks known afterwards.
   */
  private NetworkRegistry learnTokens(KnownNetworks known, PrintWriter err)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> asked =
        HttpClient.newHttpClient().send(http.request(), HttpResponse.BodyHandlers.ofByteArray());
    if (asked.statusCode() != 402) {
      return known.registry();
    }
    List<PlannedPayment> offers;
    try {
      offers =
          Payer.offers(
              new PaymentChallenge(asked.uri(), asked.headers().map(), asked.body()),
              known.registry());
    } catch (X402Exception e) {
      return known.registry(); // the paying request reports it
    }
    KnownNetworks.Learned learned = known.learnTokens(offers);
    learned.notes().forEach(note -> err.println("x402j pay: " + note));
    err.flush();
    return learned.known().registry();
  }

  /** A server-given word as it is when it is one, else quoted: nothing raw reaches the terminal. */
  static String plain(String word) {
    return word != null && word.matches("[A-Za-z0-9_.:-]{1,100}") ? word : Text.quote(word);
  }

  private static int report(
      PaidResponse<byte[]> response, Function<PlannedPayment, String> from, PrintWriter err) {
    int status = response.statusCode();
    try {
      if (response.dryRun()) {
        PlannedPayment plan = response.wouldPay().orElse(null);
        err.println(
            plan == null
                ? "x402j pay: HTTP " + status + "; nothing would be paid"
                : "x402j pay: would pay "
                    + plan.describe()
                    + " from "
                    + from.apply(plan)
                    + " (dry run: nothing was signed)");
        return 0;
      }
      if (response.paid().isEmpty()) {
        err.println("x402j pay: HTTP " + status + "; no payment was asked");
        return status >= 400 ? HTTP_ERROR : 0;
      }
      PlannedPayment paid = response.paid().get();
      SettleResponse receipt = response.receipt();
      Charge charge = response.charged().orElse(null);
      boolean upto = "upto".equals(paid.requirements().scheme());
      err.println(
          "x402j pay: paid "
              + (upto ? "up to " : "")
              + paid.describe()
              + " from "
              + from.apply(paid));
      if (upto && charge != null) {
        err.println(
            "x402j pay: ceiling "
                + amount(paid, charge.authorized())
                + ", charged "
                + amount(paid, charge.charged())
                + (charge.confirmed()
                    ? " (the settled amount)"
                    : charge.reportedAboveCeiling()
                        ? " (the server claimed "
                            + amount(paid, charge.reported())
                            + ", above the ceiling: counted at the ceiling)"
                        : charge.reported() != null
                            ? " (the server reported "
                                + amount(paid, charge.reported())
                                + "; counted at the ceiling: "
                                + charge.why()
                                + ")"
                            : " (no settled amount reported: counted at the ceiling)"));
      }
      if (receipt == null) {
        err.println(
            "x402j pay: HTTP "
                + status
                + "; the server sent no receipt"
                + refusal(response).map(r -> "; it says: " + r).orElse(""));
      } else if (receipt.success()) {
        err.println(
            "x402j pay: settled in transaction "
                + plain(receipt.transaction())
                + " on "
                + plain(receipt.network()));
      } else {
        err.println(
            "x402j pay: the payment did not settle: "
                + plain(receipt.errorReason())
                + (receipt.transaction() == null || receipt.transaction().isEmpty()
                    ? ""
                    : " (transaction " + plain(receipt.transaction()) + ")"));
      }
      if (status == 402 || (receipt != null && !receipt.success())) {
        return PAYMENT_FAILED;
      }
      return status >= 400 ? HTTP_ERROR : 0;
    } finally {
      err.flush();
    }
  }
}
