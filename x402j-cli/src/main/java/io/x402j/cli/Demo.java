package io.x402j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PlannedPayment;
import io.x402j.client.SpendControls;
import io.x402j.core.Network;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.facilitator.HttpFacilitatorClient;
import io.x402j.core.support.Base58;
import io.x402j.core.wire.HeaderCodec;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.devnet.Devnet;
import io.x402j.devnet.DevnetInfo;
import io.x402j.devnet.DevnetOptions;
import io.x402j.devnet.SolanaDevnet;
import io.x402j.devnet.SolanaDevnetInfo;
import io.x402j.evm.EvmAddress;
import io.x402j.evm.ExactEvmPayload;
import io.x402j.evm.Permit2;
import io.x402j.evm.Permit2Authorization;
import io.x402j.evm.Permit2Payload;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.facilitator.FacilitatorApp;
import io.x402j.facilitator.FacilitatorConfig;
import io.x402j.facilitator.FacilitatorConfig.NetworkSettings;
import io.x402j.gateway.Gateway;
import io.x402j.gateway.SellerConsole;
import io.x402j.sales.PayTo;
import io.x402j.server.PaidRoute;
import io.x402j.server.PaymentEvent;
import io.x402j.server.PaymentGate;
import io.x402j.server.PaymentListener;
import io.x402j.server.PaymentOption;
import io.x402j.server.RouteTable;
import io.x402j.server.SalesRecord;
import io.x402j.svm.CompiledInstruction;
import io.x402j.svm.ExactSvmPayload;
import io.x402j.svm.SolanaAddress;
import io.x402j.svm.SolanaKeypair;
import io.x402j.svm.SolanaMessage;
import io.x402j.svm.SolanaPrograms;
import io.x402j.svm.SolanaTransaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * The demo: two local chains (anvil with a test dollar, and a Solana runtime with USDC), an x402j
 * facilitator serving both (SQLite ledger in a temporary directory), a small API that knows nothing
 * of payments, sold through the x402j gateway (four routes on the EVM chain, one of them
 * usage-based, and one on Solana), and a buyer with a key for each chain who pays each route, with
 * every step told on the way.
 */
final class Demo implements AutoCloseable {
  /**
   * One route of the sample API, sold on the EVM chain or, when {@code solana}, on Solana; when
   * {@code upto}, {@code price} is the ceiling and the API says what it used.
   */
  record Route(
      String path, String price, int version, String description, boolean solana, boolean upto) {
    Route(String path, String price, int version, String description, boolean solana) {
      this(path, price, version, description, solana, false);
    }
  }

  /** What the inference endpoint charges per token it used, in atomic units (0.00001 dollar). */
  static final int ATOMIC_PER_TOKEN = 10;

  /** How many tokens the sample inference uses for the demo's prompt. */
  static final int INFERENCE_TOKENS = 1234;

  static final List<Route> ROUTES =
      List.of(
          new Route("/weather", "$0.001", 2, "Today's weather", false),
          new Route("/premium/report", "$0.05", 2, "A premium market report", false),
          new Route("/legacy/quote", "$0.01", 1, "A quote, sold the protocol v1 way", false),
          new Route(
              "/inference",
              "$0.05",
              2,
              "Inference, charged per token used (upto: at most $0.05)",
              false,
              true),
          new Route("/forecast", "$0.002", 2, "A week's forecast, sold on Solana", true));

  /** The networks file the demo leaves for {@code x402j pay} and {@code inspect}. */
  static final String NETWORKS_FILE = "networks.json";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final PrintWriter out;
  private final Path dir;
  private final Devnet devnet;
  private final DevnetInfo info;
  private final SolanaDevnet solana;
  private final SolanaDevnetInfo solanaInfo;
  private final NetworkRegistry networks;
  private final FacilitatorApp facilitator;
  private final HttpServer upstream;
  private final SellerConsole.Running seller;
  private final Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();

  private Demo(
      PrintWriter out,
      Path dir,
      Devnet devnet,
      SolanaDevnet solana,
      NetworkRegistry networks,
      FacilitatorApp facilitator,
      HttpServer upstream,
      SellerConsole.Running seller) {
    this.out = out;
    this.dir = dir;
    this.devnet = devnet;
    this.info = devnet.info();
    this.solana = solana;
    this.solanaInfo = solana.info();
    this.networks = networks;
    this.facilitator = facilitator;
    this.upstream = upstream;
    this.seller = seller;
    this.gateway = seller.gateway();
  }

  /** Starts everything, telling {@code out} what is where. */
  static Demo start(PrintWriter out) throws IOException, InterruptedException {
    out.println("x402j demo: paying for API calls with x402, on two local chains (EVM and Solana)");
    out.println();
    Path dir = Files.createTempDirectory("x402j-demo");
    // The Solana runtime starts beside anvil: each takes a few seconds, mostly waiting.
    CompletableFuture<SolanaDevnet> solanaStarting = new CompletableFuture<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                solanaStarting.complete(SolanaDevnet.start());
              } catch (Throwable e) {
                solanaStarting.completeExceptionally(e);
              }
            },
            "x402j-demo-solana-start");
    starter.setDaemon(true);
    starter.start();
    Devnet devnet = null;
    SolanaDevnet solana = null;
    FacilitatorApp facilitator = null;
    HttpServer upstream = null;
    SellerConsole.Running seller = null;
    try {
      try {
        devnet = Devnet.start(DevnetOptions.defaults());
      } finally {
        solana = started(solanaStarting);
      }
      DevnetInfo info = devnet.info();
      SolanaDevnetInfo solanaInfo = solana.info();
      NetworkRegistry networks =
          NetworkRegistry.defaults().toBuilder().network(info.networkInfo()).build();
      out.printf(
          "1. Two local chains: anvil at %s (chain %d), with %s (%s) deployed at %s;%n"
              + "   and Solana (the SVM of litesvm) at %s (%s), with %s (%d decimals) at %s%n",
          info.rpcUrl(),
          info.chainId(),
          info.tokenName(),
          info.tokenSymbol(),
          info.token(),
          solanaInfo.rpcUrl(),
          solanaInfo.network(),
          solanaInfo.token().symbol(),
          solanaInfo.token().decimals(),
          solanaInfo.token().address());
      NetworksFile.write(dir.resolve(NETWORKS_FILE), List.of(DevnetCommand.entry(info)));
      facilitator =
          FacilitatorApp.start(
              FacilitatorConfig.builder()
                  .port(0)
                  .database("jdbc:sqlite:" + dir.resolve("ledger.db"))
                  .admin(FacilitatorConfig.AdminSettings.loopback(0))
                  .network(
                      NetworkSettings.builder(info.network())
                          .rpcUrl(info.rpcUrl())
                          .signersFromEnv("DEMO_GAS_KEY")
                          .asset(info.token())
                          .blockTime(info.networkInfo().blockTime())
                          .v1Name(info.networkInfo().v1Name().orElse("x402j-devnet"))
                          .build())
                  .network(
                      NetworkSettings.builder(Network.parse(solanaInfo.network()))
                          .rpcUrl(solanaInfo.rpcUrl())
                          .signersFromEnv("DEMO_FEE_PAYER_KEY")
                          .mint(solanaInfo.token().address())
                          .build())
                  .build(),
              Map.of(
                  "DEMO_GAS_KEY",
                  info.requireAccount("facilitator").privateKey(),
                  "DEMO_FEE_PAYER_KEY",
                  solanaInfo.requireAccount("facilitator").privateKey()),
              networks);
      out.printf(
          "2. A facilitator: %s, paying gas from %s and Solana fees from %s, ledger in %s%n",
          facilitator.url(),
          info.requireAccount("facilitator").address(),
          solanaInfo.requireAccount("facilitator").address(),
          dir.resolve("ledger.db"));
      upstream = sampleApi();
      Demo[] self = new Demo[1];
      // The seller's sales record, metrics and dashboard, on a loopback-only admin listener of
      // its own, wired as the gateway command wires them.
      Map<Network, String> nodes = new LinkedHashMap<>();
      nodes.put(info.network(), info.rpcUrl());
      nodes.put(Network.parse(solanaInfo.network()), solanaInfo.rpcUrl());
      SellerConsole console =
          new SellerConsole("jdbc:sqlite:" + dir.resolve("sales.db"), "127.0.0.1", 0, null, nodes);
      URI api = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
      String facilitatorUrl = facilitator.url();
      seller =
          console.start(
              sales ->
                  gateway(sales, api, networks, facilitatorUrl, routes(info, solanaInfo), self),
              dashboard ->
                  dashboard
                      .networks(networks)
                      .payTo(
                          new PayTo(
                              info.network(),
                              info.token().toString(),
                              info.requireAccount("seller").address().toString())),
              Map.of());
      Demo demo = new Demo(out, dir, devnet, solana, networks, facilitator, upstream, seller);
      self[0] = demo;
      out.printf(
          "3. An API that knows nothing about payments, sold through the x402j gateway at %s:%n",
          demo.gateway.url());
      for (Route r : ROUTES) {
        out.printf(
            "     GET %-16s %-7s protocol v%d  %s%n",
            r.path(), r.upto() ? "≤ " + r.price() : r.price(), r.version(), r.description());
      }
      // Permit2 (for the usage-based route) moves tokens the buyer let it move: a wallet approves
      // it once, with an ordinary ERC-20 approve.
      devnet.approvePermit2(info.requireAccount("buyer").address(), info.token());
      out.printf(
          "   The buyer approved Permit2 (%s) once, as a wallet does before its first Permit2"
              + " payment;%n   the upto route is paid by a Permit2 signature for the ceiling.%n",
          Permit2.ADDRESS);
      out.printf(
          "4. A buyer, %s, holding %s; the seller, %s, holding %s%n",
          info.requireAccount("buyer").address(),
          demo.tokens(info.requireAccount("buyer").address()),
          info.requireAccount("seller").address(),
          demo.tokens(info.requireAccount("seller").address()));
      out.printf(
          "   on Solana the buyer is %s, holding %s; the seller %s, holding %s%n",
          solanaInfo.requireAccount("buyer").address(),
          demo.solanaTokens(demo.solanaBalance("buyer")),
          solanaInfo.requireAccount("seller").address(),
          demo.solanaTokens(demo.solanaBalance("seller")));
      out.flush();
      return demo;
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (seller != null) {
        seller.close();
      }
      if (upstream != null) {
        upstream.stop(0);
      }
      if (facilitator != null) {
        facilitator.close();
      }
      if (devnet != null) {
        devnet.close();
      }
      if (solana != null) {
        solana.close();
      }
      delete(dir);
      throw e;
    }
  }

  /** The seller's gateway in front of {@code api}, its gate telling each step of a payment. */
  private static Gateway gateway(
      SalesRecord sales,
      URI api,
      NetworkRegistry networks,
      String facilitatorUrl,
      RouteTable routes,
      Demo[] self) {
    PaymentGate gate =
        PaymentGate.builder()
            .salesRecord(sales)
            .facilitator(HttpFacilitatorClient.builder(facilitatorUrl).build())
            .networks(networks)
            .routes(routes)
            .listener(
                new PaymentListener() {
                  @Override
                  public void afterVerify(PaymentEvent event, VerifyResponse result) {
                    self[0].step(
                        result.isValid()
                            ? "the seller's gateway had the facilitator verify it: valid"
                            : "the facilitator refused it: " + result.invalidReason());
                  }

                  @Override
                  public void beforeSettle(PaymentEvent event) {
                    self[0].step(
                        "the API answered 200; the gateway holds the answer and asks the facilitator to settle");
                  }

                  @Override
                  public void afterSettle(PaymentEvent event, SettleResponse result) {
                    self[0].step(
                        result.success()
                            ? "the facilitator settled it on chain: transaction "
                                + result.transaction()
                            : "the settlement failed: " + result.errorReason());
                  }
                })
            .build();
    // The gateway closes the gate: the sales events its writer still holds are written first.
    return Gateway.builder(gate, api).port(0).owning(gate).start();
  }

  /** The Solana runtime once started, or what stopped it, as {@link SolanaDevnet#start} says. */
  private static SolanaDevnet started(CompletableFuture<SolanaDevnet> starting)
      throws IOException, InterruptedException {
    try {
      return starting.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException interrupted) {
        throw interrupted;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException("the Solana runtime did not start: " + cause, cause);
    }
  }

  private static RouteTable routes(DevnetInfo info, SolanaDevnetInfo solana) {
    RouteTable.Builder table = RouteTable.builder();
    for (Route r : ROUTES) {
      table.route(
          "GET " + r.path(),
          PaidRoute.builder()
              .accept(
                  r.upto()
                      ? PaymentOption.builder(info.network())
                          .upto(r.price())
                          .payTo(info.requireAccount("seller").address().toString())
                          .build()
                      : r.solana()
                          // The mint is the network's USDC; the fee payer comes from the
                          // facilitator.
                          ? PaymentOption.builder(Network.parse(solana.network()))
                              .price(r.price())
                              .payTo(solana.requireAccount("seller").address())
                              .build()
                          : PaymentOption.builder(info.network())
                              .price(r.price())
                              .payTo(info.requireAccount("seller").address().toString())
                              .build())
              .description(r.description())
              .mimeType("application/json")
              .protocolV2(r.version() == 2)
              .build());
    }
    return table.build();
  }

  /** The API being sold: plain JSON, no payment code. */
  private static HttpServer sampleApi() throws IOException {
    // Without TCP_NODELAY this JDK server's small responses wait ~40 ms for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);

    server.createContext(
        "/",
        exchange -> {
          String body =
              switch (exchange.getRequestURI().getPath()) {
                case "/weather" -> "{\"city\":\"Lisbon\",\"sky\":\"sunny\",\"celsius\":21}";
                case "/premium/report" -> "{\"report\":\"stablecoin payments, Q4\",\"pages\":12}";
                case "/legacy/quote" -> "{\"pair\":\"ETH/USD\",\"bid\":\"3150.10\"}";
                case "/forecast" -> "{\"city\":\"Lisbon\",\"days\":[21,22,19,20,23,24,22]}";
                case "/inference" ->
                    "{\"completion\":\"Lisbon is sunny today.\",\"tokens\":"
                        + INFERENCE_TOKENS
                        + "}";
                default -> "{\"ok\":true}";
              };
          if (exchange.getRequestURI().getPath().equals("/inference")) {
            // Usage-based: the API says what it used, in the official SDK's header; the gateway
            // settles that much (at most the ceiling) and does not pass the header on.
            exchange
                .getResponseHeaders()
                .add(
                    "Settlement-Overrides",
                    "{\"amount\":\"" + INFERENCE_TOKENS * ATOMIC_PER_TOKEN + "\"}");
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return server;
  }

  /** Pays every route, telling each step; whether every payment settled. */
  boolean payEveryRoute() throws IOException, InterruptedException {
    PrivateKeySigner buyer = info.requireAccount("buyer").signer();
    SolanaKeypair solanaBuyer =
        SolanaKeypair.fromBase58Secret(solanaInfo.requireAccount("buyer").privateKey());
    Payer payer =
        Payer.builder()
            .signer(buyer)
            // Blockhashes (and facts of mints it does not know) come from the Solana runtime.
            .svmSigner(solanaBuyer)
            .solanaRpcUrl(solanaInfo.rpcUrl())
            .networks(networks)
            .spendControls(SpendControls.builder().maxPerPaymentUsd("0.10").build())
            .build();
    boolean all = true;
    for (Route route : ROUTES) {
      all &= route.solana() ? paySolana(route, payer) : pay(route, payer, buyer.address());
    }
    out.println();
    out.println(
        all
            ? "Every payment settled. The buyer paid "
                + ROUTES.size()
                + " times, on two chains, without an account or an API key."
            : "Not every payment settled; see above.");
    out.flush();
    return all;
  }

  private boolean pay(Route route, Payer payer, EvmAddress buyer)
      throws IOException, InterruptedException {
    URI url = URI.create(gateway.url() + route.path());
    EvmAddress seller = info.requireAccount("seller").address();
    PaymentAuthorization authorization = ask(route, url, payer);
    describeSignature(authorization);
    BigInteger buyerBefore = devnet.tokenBalance(buyer);
    BigInteger sellerBefore = devnet.tokenBalance(seller);
    SettleResponse receipt = send(url, authorization);
    if (receipt == null) {
      return false;
    }
    if (route.upto()) {
      BigInteger ceiling = authorization.payment().requirements().amount().value();
      BigInteger charged = receipt.amount() != null ? receipt.amount().value() : ceiling;
      out.printf(
          "  usage-based: the API said it used %d tokens; ceiling %s, charged %s%n",
          INFERENCE_TOKENS, tokens(ceiling), tokens(charged));
    }
    String block = devnet.awaitReceipt(receipt.transaction()).path("blockNumber").asText();
    out.printf(
        "  receipt (%s): settled, transaction %s, block %d%n",
        PaymentHeader.X_PAYMENT.matches(authorization.headerName())
            ? PaymentHeader.X_PAYMENT_RESPONSE
            : PaymentHeader.PAYMENT_RESPONSE,
        receipt.transaction(),
        Long.decode(block));
    out.printf(
        "  buyer %s → %s; seller %s → %s%n",
        tokens(buyerBefore),
        tokens(devnet.tokenBalance(buyer)),
        tokens(sellerBefore),
        tokens(devnet.tokenBalance(seller)));
    return true;
  }

  /** Pays a route sold on Solana with the buyer's Solana key. */
  private boolean paySolana(Route route, Payer payer) throws IOException, InterruptedException {
    URI url = URI.create(gateway.url() + route.path());
    PaymentAuthorization authorization = ask(route, url, payer);
    describeSolanaTransaction(authorization);
    BigInteger buyerBefore = solanaBalance("buyer");
    BigInteger sellerBefore = solanaBalance("seller");
    SettleResponse receipt = send(url, authorization);
    if (receipt == null) {
      return false;
    }
    // Settled means confirmed: the runtime knows the transaction and its slot.
    JsonNode status = solana.controls().signatureStatus(receipt.transaction());
    if (status == null || !status.path("err").isNull()) {
      out.printf(
          "  the Solana runtime does not show %s as landed: %s%n", receipt.transaction(), status);
      return false;
    }
    out.printf(
        "  receipt (%s): settled, transaction signature %s, slot %d%n",
        PaymentHeader.PAYMENT_RESPONSE, receipt.transaction(), status.path("slot").asLong());
    out.printf(
        "  buyer %s → %s; seller %s → %s%n",
        solanaTokens(buyerBefore),
        solanaTokens(solanaBalance("buyer")),
        solanaTokens(sellerBefore),
        solanaTokens(solanaBalance("seller")));
    return true;
  }

  /** Asks for the route, shows the 402 and its offers, and has {@code payer} authorize one. */
  private PaymentAuthorization ask(Route route, URI url, Payer payer)
      throws IOException, InterruptedException {
    out.println();
    out.println(
        "── GET " + route.path() + " " + "─".repeat(Math.max(0, 56 - route.path().length())));
    HttpResponse<byte[]> asked =
        http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    out.printf("→ GET %s%n", url);
    out.printf(
        "← %d Payment Required, %s:%n",
        asked.statusCode(),
        asked.headers().firstValue(PaymentHeader.PAYMENT_REQUIRED.headerName()).isPresent()
            ? "requirements in the PAYMENT-REQUIRED header (protocol v2)"
            : "requirements in the JSON body (protocol v1)");
    PaymentChallenge challenge = new PaymentChallenge(url, asked.headers().map(), asked.body());
    for (PlannedPayment offer : Payer.offers(challenge, networks)) {
      out.printf(
          "    %s on %s to %s, within %d s%n",
          amount(offer),
          offer.requirements().network(),
          offer.requirements().payTo(),
          offer.requirements().maxTimeoutSeconds());
    }
    return payer.authorize(challenge);
  }

  /** Sends the paid request and shows the answer; the settlement receipt, or null without one. */
  private SettleResponse send(URI url, PaymentAuthorization authorization)
      throws IOException, InterruptedException {
    out.printf(
        "→ GET %s again, with %s (%d bytes)%n",
        url, authorization.headerName(), authorization.headerValue().length());
    out.flush();
    HttpResponse<String> paid =
        http.send(
            HttpRequest.newBuilder(url)
                .header(authorization.headerName(), authorization.headerValue())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    SettleResponse receipt = Payer.receipt(paid.headers()::firstValue).orElse(null);
    out.printf("← %d %s%n", paid.statusCode(), paid.body());
    if (receipt == null || !receipt.success()) {
      out.println("  no settlement receipt: the payment did not go through");
      return null;
    }
    return receipt;
  }

  private void describeSignature(PaymentAuthorization authorization) {
    HeaderCodec codec = HeaderCodec.standard();
    Map<String, Object> payload =
        PaymentHeader.PAYMENT_SIGNATURE.matches(authorization.headerName())
            ? codec.decodePaymentSignature(authorization.headerValue()).payload()
            : codec.decodeXPayment(authorization.headerValue()).payload();
    if (Permit2Payload.isPermit2(payload)) {
      Permit2Payload permit = Permit2Payload.fromMap(payload);
      Permit2Authorization p = permit.authorization();
      out.printf(
          "  the buyer chose %s and signed a Permit2 transfer for at most that (EIP-712,"
              + " nothing sent on chain):%n",
          amount(authorization.payment()));
      out.printf(
          "    from %s to %s, ceiling %s, only the facilitator %s may settle it, until %s,"
              + " nonce %s%n",
          p.from(),
          p.witness().to(),
          p.amount(),
          p.witness().facilitator(),
          TIME.format(Instant.ofEpochSecond(p.deadline().longValueExact())),
          shorten(p.nonce().toString()));
      out.printf("    signature %s%n", shorten(permit.signature()));
      return;
    }
    ExactEvmPayload signed = ExactEvmPayload.fromMap(payload);
    var a = signed.authorization();
    out.printf(
        "  the buyer chose %s and signed an EIP-3009 authorization (EIP-712, nothing sent on chain):%n",
        amount(authorization.payment()));
    out.printf(
        "    from %s to %s, value %s, valid until %s, nonce %s%n",
        a.from(),
        a.to(),
        a.value(),
        TIME.format(Instant.ofEpochSecond(a.validBefore().longValueExact())),
        shorten(a.nonce().toString()));
    out.printf("    signature %s%n", shorten(signed.signature()));
  }

  private void describeSolanaTransaction(PaymentAuthorization authorization) {
    Map<String, Object> payload =
        HeaderCodec.standard().decodePaymentSignature(authorization.headerValue()).payload();
    SolanaTransaction transaction = ExactSvmPayload.parse(payload).transaction();
    SolanaMessage message = transaction.message();
    List<SolanaAddress> accounts = message.staticAccounts();
    out.printf(
        "  the buyer chose %s and signed a Solana transaction (nothing sent on chain; its fee"
            + " payer is the facilitator's key, whose signature is left empty for it):%n",
        amount(authorization.payment()));
    for (CompiledInstruction instruction : message.instructions()) {
      SolanaAddress program = accounts.get(instruction.programIdIndex());
      byte[] data = instruction.data();
      if (program.equals(SolanaPrograms.TOKEN) && data.length >= 10 && data[0] == 12) {
        long atomic = ByteBuffer.wrap(data, 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        out.printf(
            "    TransferChecked of %s atomic units from %s to %s (token accounts)%n",
            Long.toUnsignedString(atomic),
            accounts.get(instruction.accounts().get(0)),
            accounts.get(instruction.accounts().get(2)));
      } else if (program.equals(SolanaPrograms.MEMO)) {
        out.printf(
            "    memo %s, blockhash %s%n",
            new String(data, StandardCharsets.UTF_8), message.recentBlockhash());
      }
    }
    SolanaAddress buyer = SolanaAddress.parse(solanaInfo.requireAccount("buyer").address());
    int index = accounts.indexOf(buyer);
    if (index >= 0 && index < transaction.signatures().size()) {
      out.printf(
          "    the buyer's signature %s%n", shorten(Base58.encode(transaction.signature(index))));
    }
  }

  private BigInteger solanaBalance(String account) {
    return solana.controls().tokenBalance(solanaInfo.requireAccount(account).address()).amount();
  }

  private String solanaTokens(BigInteger atomic) {
    return new BigDecimal(atomic)
            .movePointLeft(solanaInfo.token().decimals())
            .stripTrailingZeros()
            .toPlainString()
        + " "
        + solanaInfo.token().symbol();
  }

  private String amount(PlannedPayment p) {
    return p.tokens()
        .map(t -> t.toPlainString() + " " + p.asset().symbol())
        .orElse(p.requirements().amount() + " atomic units");
  }

  private String tokens(EvmAddress owner) {
    return tokens(devnet.tokenBalance(owner));
  }

  private String tokens(BigInteger atomic) {
    return new BigDecimal(atomic).movePointLeft(6).stripTrailingZeros().toPlainString()
        + " "
        + info.tokenSymbol();
  }

  /** {@code text} as one shell word: as it is when plain, else in single quotes. */
  static String shellWord(String text) {
    return text.matches("[A-Za-z0-9/._:=+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
  }

  private static String shorten(String hex) {
    return hex.length() <= 20 ? hex : hex.substring(0, 10) + "…" + hex.substring(hex.length() - 8);
  }

  /** What stays up with {@code --keep-running}, and commands to try. */
  void printRunning() {
    out.println();
    out.println("Everything keeps running; Ctrl-C stops it all.");
    out.printf("  API           %s%n", gateway.url());
    out.printf("  facilitator   %s   (/supported, /health, /settlements)%n", facilitator.url());
    out.printf("  metrics       %s/metrics%n", facilitator.url());
    out.printf(
        "  seller dashboard       %s/   (sales, revenue, balances; /metrics)%n",
        seller.adminUrl().orElseThrow());
    if (facilitator.adminUrl() != null) {
      out.printf("  facilitator console    %s/%n", facilitator.adminUrl());
    }
    out.printf(
        "  chain         %s   (chain %d, token %s)%n", info.rpcUrl(), info.chainId(), info.token());
    out.printf(
        "  solana        %s   (%s, mint %s)%n",
        solanaInfo.rpcUrl(), solanaInfo.network(), solanaInfo.token().address());
    out.println("Try, in another terminal (a devnet key: public, worthless anywhere else):");
    out.printf(
        "  export X402J_PRIVATE_KEY=%s   # the buyer%n", info.requireAccount("buyer").privateKey());
    out.printf(
        "  export %s=%s   # the chain and its %s%n",
        NetworkOptions.NETWORKS_ENV,
        shellWord(dir.resolve(NETWORKS_FILE).toString()),
        info.tokenSymbol());
    out.printf(
        "  export X402J_SVM_PRIVATE_KEY=%s   # the buyer on Solana%n",
        solanaInfo.requireAccount("buyer").privateKey());
    out.printf("  export %s=%s%n", PayCommand.SOLANA_RPC_URL_ENV, solanaInfo.rpcUrl());
    out.printf("  ./x402j inspect %s/weather%n", gateway.url());
    out.printf("  ./x402j pay --max '$0.01' %s/weather%n", gateway.url());
    out.printf("  ./x402j pay --max '$0.01' %s/forecast   # paid on Solana%n", gateway.url());
    out.printf("  curl %s/settlements%n", facilitator.url());
    out.flush();
  }

  @Override
  public void close() {
    try {
      seller.close(); // the gateway and its gate first: queued sales events are written
    } finally {
      try {
        upstream.stop(0);
        facilitator.close();
      } finally {
        try {
          devnet.close();
        } finally {
          solana.close();
          delete(dir);
        }
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the system cleans it eventually
    }
  }

  void step(String text) {
    out.println("  " + text);
    out.flush();
  }
}
