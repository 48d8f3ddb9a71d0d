package io.x402j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.x402j.client.DiscoveredOffer;
import io.x402j.client.DiscoveryListing;
import io.x402j.config.ValueParser;
import io.x402j.core.NetworkInfo;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.discovery.DiscoveryClient;
import io.x402j.core.discovery.DiscoveryException;
import io.x402j.core.discovery.DiscoveryFilter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code x402j discover}: what a facilitator's Bazaar catalog says can be bought. */
@Command(
    name = "discover",
    mixinStandardHelpOptions = true,
    description = {
      "Asks a facilitator's discovery catalog (GET /discovery/resources, or /discovery/search"
          + " with --query) what can be bought and shows each resource's URL, method, price"
          + " (dollars for known USD stablecoins, else atomic units and token), network and"
          + " description, ready for x402j pay. Works with any facilitator that serves the x402"
          + " Bazaar endpoints.",
      "Exit status: 0 shown (also when nothing is listed); 2 bad usage; 4 the facilitator's"
          + " answer is not a discovery answer or its pages do not line up; 5 an HTTP error;"
          + " 6 the facilitator could not be reached or did not answer in time."
    })
final class DiscoverCommand implements Callable<Integer> {
  /** The most resources shown when {@code --limit} is not given. */
  static final int DEFAULT_LIMIT = 20;

  @Spec CommandSpec spec;

  @Option(
      names = "--facilitator",
      required = true,
      paramLabel = "URL",
      description = "The facilitator whose catalog to read, e.g. https://x402.org/facilitator.")
  String facilitator;

  @Option(
      names = "--facilitator-token-env",
      paramLabel = "VAR",
      description = "Environment variable holding a bearer token for the facilitator.")
  String facilitatorTokenEnv;

  @Option(
      names = "--query",
      paramLabel = "TEXT",
      description = "Search for TEXT (e.g. 'weather forecast') instead of listing everything.")
  String query;

  @Option(
      names = "--network",
      paramLabel = "NETWORK",
      description = "Only offers on this network: eip155:84532 or a v1 name such as base-sepolia.")
  String network;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description = "Only resources of this type: http or mcp.")
  String type;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "The most resources to show, 1 to 1000 (default ${DEFAULT-VALUE}).")
  String limit;

  @Option(names = "--json", description = "Print the resources as JSON instead of a table.")
  boolean json;

  @Option(
      names = "--networks",
      paramLabel = "FILE",
      description =
          "Networks and tokens to know besides the built-in ones, to price their tokens (the"
              + " file `x402j devnet --write-networks FILE` writes). Default: $"
              + NetworkOptions.NETWORKS_ENV
              + ", if set.")
  Path networksFile;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "How long to wait for each page (default ${DEFAULT-VALUE}).")
  String timeoutSeconds;

  /** What the flags ask for, parsed. */
  record Request(
      DiscoveryClient client,
      String query,
      DiscoveryFilter filter,
      int limit,
      NetworkRegistry networks) {}

  @Override
  public Integer call() throws Exception {
    return run(System.getenv());
  }

  /**
   * The request the flags describe.
   *
   * @throws ParameterException naming a bad flag
   */
  Request request(Map<String, String> env) throws IOException {
    try {
      NetworkOptions options = new NetworkOptions();
      options.networksFile = networksFile;
      NetworkRegistry networks = options.load(env).registry();
      int max = ValueParser.integer(1, 1000).parse("--limit", limit);
      Duration timeout =
          Duration.ofSeconds(ValueParser.integer(1, 3600).parse("--timeout", timeoutSeconds));
      DiscoveryFilter filter = DiscoveryFilter.none();
      if (type != null) {
        String t = type.strip().toLowerCase(Locale.ROOT);
        if (!t.equals("http") && !t.equals("mcp")) {
          throw new IllegalArgumentException("--type must be http or mcp, got " + type);
        }
        filter = filter.withType(t);
      }
      if (network != null) {
        filter = filter.withNetwork(networks.resolve(network.strip()).toString());
      }
      if (query != null && query.isBlank()) {
        throw new IllegalArgumentException("--query must not be blank");
      }
      DiscoveryClient.Builder client = DiscoveryClient.builder(facilitator).timeout(timeout);
      if (facilitatorTokenEnv != null) {
        String token = env.get(facilitatorTokenEnv);
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException(
              "--facilitator-token-env: the variable " + facilitatorTokenEnv + " is not set");
        }
        client.bearer(token.strip());
      }
      return new Request(client.build(), query, filter, max, networks);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  int run(Map<String, String> env) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Request request = request(env);
    DiscoveryListing.Found found;
    try {
      found =
          DiscoveryListing.find(
              request.client(),
              request.query(),
              request.filter(),
              request.limit(),
              request.networks());
    } catch (DiscoveryException e) {
      err.println("x402j discover: " + e.getMessage());
      err.flush();
      return exitCode(e);
    }
    if (json) {
      out.println(json(request, found));
    } else {
      out.println(table(request, found));
      found.skipped().forEach(s -> err.println("x402j discover: " + Cells.clean(s, 300)));
    }
    out.flush();
    err.flush();
    return 0;
  }

  static int exitCode(DiscoveryException e) {
    switch (e.failure()) {
      case HTTP_STATUS:
        return PayCommand.HTTP_ERROR;
      case BAD_RESPONSE:
      case BAD_PAGING:
        return PayCommand.PAYMENT_FAILED;
      default:
        return PayCommand.UNREACHABLE;
    }
  }

  static String json(Request request, DiscoveryListing.Found found) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("facilitator", request.client().redactedUrl());
    if (request.query() != null) {
      doc.put("query", request.query());
    }
    List<Map<String, Object>> resources = new ArrayList<>();
    found.listings().forEach(l -> resources.add(l.toMap()));
    doc.put("resources", resources);
    doc.put("truncated", found.truncated());
    doc.put("skipped", found.skipped());
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
  }

  static String table(Request request, DiscoveryListing.Found found) {
    StringBuilder text = new StringBuilder();
    int n = found.listings().size();
    text.append(n == 0 ? "No resources" : n + (n == 1 ? " resource" : " resources"))
        .append(" at ")
        .append(request.client().redactedUrl())
        .append(request.query() == null ? "" : " matching " + Cells.clean(request.query(), 80))
        .append(found.truncated() ? " (more exist: raise --limit or narrow the search)" : "")
        .append(n == 0 ? "." : ":")
        .append('\n');
    if (n == 0) {
      return text.toString().stripTrailing();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"#", "resource", "method", "price", "network", "description"});
    boolean anyMcp = false;
    for (int i = 0; i < n; i++) {
      DiscoveryListing l = found.listings().get(i);
      String how =
          l.mcp()
              ? "tool " + l.resource().toolName().map(t -> Cells.clean(t, 40)).orElse("?")
              : l.method();
      anyMcp |= l.mcp();
      String description = l.resource().description();
      if (description == null || description.isBlank()) {
        description = l.resource().serviceName() == null ? "" : l.resource().serviceName();
      }
      List<DiscoveredOffer> offers = l.offers();
      for (int o = 0; o < Math.max(1, offers.size()); o++) {
        DiscoveredOffer offer = offers.isEmpty() ? null : offers.get(o);
        rows.add(
            new String[] {
              o == 0 ? Integer.toString(i + 1) : "",
              o == 0 ? Cells.clean(l.resource().resource(), 100) : "",
              o == 0 ? how : "",
              offer == null ? "(no readable offer)" : Cells.clean(offer.price(), 60),
              offer == null ? "" : network(offer, request.networks()),
              o == 0 ? Cells.clean(description, 60) : ""
            });
      }
    }
    text.append(Cells.render(rows));
    text.append("\nPay with: x402j pay [-X METHOD] [-d BODY] URL");
    if (anyMcp) {
      text.append("\nMCP tools are paid through an MCP client, e.g. x402j mcp's x402_fetch");
    }
    return text.toString();
  }

  private static String network(DiscoveredOffer offer, NetworkRegistry networks) {
    var id = offer.requirements().network();
    return networks
        .find(id)
        .map(NetworkInfo::displayName)
        .map(d -> d + " (" + id + ")")
        .orElse(id.toString());
  }

  /** Table cells from untrusted text. */
  static final class Cells {
    private Cells() {}

    /**
     * {@code text} made safe for a terminal: control, format (bidi) and line-separator characters
     * replaced by {@code ?}, so a catalog entry cannot move the cursor or forge lines; cut to
     * {@code max} characters.
     */
    static String clean(String text, int max) {
      if (text == null) {
        return "";
      }
      StringBuilder out = new StringBuilder(Math.min(text.length(), max));
      for (int i = 0; i < text.length() && out.length() < max; i++) {
        char c = text.charAt(i);
        int t = Character.getType(c);
        boolean unsafe =
            t == Character.CONTROL
                || t == Character.FORMAT
                || t == Character.LINE_SEPARATOR
                || t == Character.PARAGRAPH_SEPARATOR
                || t == Character.SURROGATE
                || t == Character.PRIVATE_USE
                || t == Character.UNASSIGNED;
        out.append(unsafe ? '?' : c);
      }
      if (text.length() > max) {
        out.setLength(max - 1);
        out.append('…');
      }
      return out.toString();
    }

    static String render(List<String[]> rows) {
      int[] widths = new int[rows.get(0).length];
      for (String[] row : rows) {
        for (int c = 0; c < row.length; c++) {
          widths[c] = Math.max(widths[c], row[c].length());
        }
      }
      StringBuilder out = new StringBuilder();
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder("  ");
        for (int c = 0; c < row.length; c++) {
          line.append(row[c]).append(" ".repeat(widths[c] - row[c].length()));
          if (c < row.length - 1) {
            line.append("  ");
          }
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString().stripTrailing();
    }
  }
}
