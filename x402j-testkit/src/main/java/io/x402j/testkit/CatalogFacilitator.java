package io.x402j.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.core.ErrorReason;
import io.x402j.core.Network;
import io.x402j.core.NetworkPattern;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.TokenAmount;
import io.x402j.core.scheme.SchemeFacilitator;
import io.x402j.core.scheme.SchemeRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.facilitator.DiscoveryCatalog;
import io.x402j.facilitator.FacilitatorServer;
import io.x402j.facilitator.FacilitatorService;
import io.x402j.facilitator.JdbcSettlementLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The x402j facilitator with its discovery catalog on SQLite, serving the real {@code /discovery/*}
 * endpoints. Entries are put in through the catalog's own store API ({@link
 * DiscoveryCatalog#offer}), with the request a paying client sends: a payment whose {@code
 * extensions.bazaar} echoes the seller's declaration. No payment is verified or settled here; the
 * scheme refuses every one.
 */
public final class CatalogFacilitator implements AutoCloseable {
  /** Who paid for every entry. */
  public static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";

  /** Who every entry pays. */
  public static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  /** The token every entry is priced in. */
  public static final String USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

  /** The network every entry is paid on. */
  public static final Network BASE_SEPOLIA = Network.evm(84532);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcSettlementLedger ledger;
  private final DiscoveryCatalog catalog;
  private final FacilitatorServer server;

  /** Starts the facilitator with an empty catalog in a new SQLite file. */
  public CatalogFacilitator() throws Exception {
    Path dir = Files.createTempDirectory("x402j-discover");
    ledger = JdbcSettlementLedger.open("jdbc:sqlite:" + dir.resolve("catalog.db"));
    catalog =
        DiscoveryCatalog.open(
            ledger,
            DiscoveryCatalog.Settings.DEFAULT.withAnswerWait(Duration.ofSeconds(30)),
            Clock.systemUTC());
    server =
        FacilitatorServer.builder(FacilitatorService.builder().scheme(new Refusing()).build())
            .port(0)
            .discovery(catalog)
            .build()
            .start();
  }

  /** The facilitator's base URL. */
  public String url() {
    return server.url();
  }

  /**
   * Catalogs what a paid request for {@code url} declared, as its payment echoed it: {@code
   * declarationJson} is the bazaar declaration ({@code info} and {@code schema}); the payment is
   * {@code amount} atomic units of USDC on Base Sepolia to {@link #SELLER}.
   */
  public void add(
      String url,
      String description,
      Map<String, Object> resourceExtra,
      String declarationJson,
      String amount)
      throws Exception {
    PaymentRequirements requirements =
        PaymentRequirements.builder()
            .network(BASE_SEPOLIA)
            .amount(TokenAmount.parse(amount))
            .asset(USDC_BASE_SEPOLIA)
            .payTo(SELLER)
            .extra("name", "USDC")
            .extra("version", "2")
            .build();
    Map<String, Object> authorization = new LinkedHashMap<>();
    authorization.put("from", PAYER);
    authorization.put("to", SELLER);
    authorization.put("value", amount);
    authorization.put("validAfter", "0");
    authorization.put("validBefore", "9999999999");
    authorization.put("nonce", "0x" + "11".repeat(32));
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("signature", "0x" + "22".repeat(65));
    payload.put("authorization", authorization);
    Map<String, Object> declaration =
        JSON.readValue(declarationJson, new TypeReference<Map<String, Object>>() {});
    PaymentPayload payment =
        new PaymentPayload(
            new ResourceInfo(url, description, "application/json", resourceExtra),
            requirements,
            payload,
            Map.of("bazaar", declaration),
            Map.of());
    WireCodec wire = WireCodec.standard();
    String request = wire.toJson(new VerifyRequest(payment, requirements, Map.of()));
    DiscoveryCatalog.Status status =
        catalog
            .offer(wire.decodeFacilitatorRequest(request), PAYER, NetworkRegistry.defaults())
            .join();
    if (!DiscoveryCatalog.Status.SUCCESS.equals(status)) {
      throw new IllegalStateException("cataloguing " + url + " failed: " + status);
    }
  }

  /** A GET endpoint's declaration. */
  public static final String WEATHER =
      """
      {"info":{"input":{"type":"http","method":"GET","queryParams":{"city":"Paris"}},
               "output":{"type":"json","example":{"weather":"foggy"}}},
       "schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
         "properties":{"input":{"type":"object","properties":{
             "type":{"type":"string","const":"http"},
             "method":{"type":"string","enum":["GET","HEAD","DELETE"]},
             "queryParams":{"type":"object"}},
           "required":["type","method"],"additionalProperties":false},
           "output":{"type":"object"}},
         "required":["input"]}}
      """;

  /** A POST endpoint's declaration. */
  public static final String SUMMARY =
      """
      {"info":{"input":{"type":"http","method":"POST","bodyType":"json","body":{"text":"..."}}},
       "schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
         "properties":{"input":{"type":"object","properties":{
             "type":{"type":"string","const":"http"},
             "method":{"type":"string","enum":["POST","PUT","PATCH"]},
             "bodyType":{"type":"string","enum":["json","form-data","text"]},
             "body":{"type":"object"}},
           "required":["type","method","bodyType","body"],"additionalProperties":false}},
         "required":["input"]}}
      """;

  /** An MCP tool's declaration. */
  public static final String FORECAST_TOOL =
      """
      {"info":{"input":{"type":"mcp","toolName":"get_forecast",
                        "description":"A seven-day forecast",
                        "inputSchema":{"type":"object","properties":{"city":{"type":"string"}},
                                       "required":["city"]}}},
       "schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
         "properties":{"input":{"type":"object","properties":{
             "type":{"type":"string","const":"mcp"},
             "toolName":{"type":"string"},
             "description":{"type":"string"},
             "inputSchema":{"type":"object"}},
           "required":["type","toolName","inputSchema"],"additionalProperties":false}},
         "required":["input"]}}
      """;

  /** Three entries: an HTTP GET, an HTTP POST and an MCP tool. */
  public CatalogFacilitator withThreeEntries() throws Exception {
    add(
        "https://weather.example/now?city=Paris",
        "Foggy weather right now",
        Map.of("serviceName", "Example Weather", "tags", List.of("weather")),
        WEATHER,
        "10000");
    add("https://text.example/summarize", "Summaries of long text", Map.of(), SUMMARY, "250000");
    add("https://weather.example/mcp", "Forecasts for agents", Map.of(), FORECAST_TOOL, "5000");
    return this;
  }

  @Override
  public void close() {
    server.close();
    catalog.close();
    ledger.close();
  }

  /** A scheme that refuses every payment: the catalog here is filled through its store API. */
  static final class Refusing implements SchemeFacilitator {
    @Override
    public String scheme() {
      return "exact";
    }

    @Override
    public NetworkPattern family() {
      return NetworkPattern.namespace(Network.EIP155);
    }

    @Override
    public List<Network> networks() {
      return List.of(BASE_SEPOLIA);
    }

    @Override
    public List<String> signers(Network network) {
      return List.of();
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(SchemeRequest request) {
      return CompletableFuture.completedFuture(
          VerifyResponse.invalid(ErrorReason.INVALID_PAYLOAD, "not in this test", null));
    }

    @Override
    public CompletableFuture<SettleResponse> settle(SchemeRequest request) {
      return CompletableFuture.completedFuture(
          SettleResponse.failure(
              ErrorReason.INVALID_PAYLOAD, "not in this test", null, null, null));
    }
  }
}
