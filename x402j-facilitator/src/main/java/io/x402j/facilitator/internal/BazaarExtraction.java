package io.x402j.facilitator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.core.NetworkRegistry;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.PaymentPayload;
import io.x402j.core.wire.PaymentRequirements;
import io.x402j.core.wire.PaymentRequirementsV1;
import io.x402j.core.wire.ResourceInfo;
import io.x402j.core.wire.V1Translation;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.core.wire.WireCodec;
import io.x402j.evm.EvmAddress;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the bazaar declaration a payment echoes into a catalog entry, the way the official {@code
 * extractDiscoveryInfo} does: {@code info} validated against {@code schema}; the key is the
 * resource URL's origin plus the validated {@code routeTemplate}, else its path; an MCP tool is
 * keyed by URL and tool name; the service metadata ({@code serviceName}, {@code tags}, {@code
 * iconUrl}) is soft-dropped field by field as the spec says. Two additions, both bounds: the entry
 * is also keyed by the recipient (so that paying one's own address cannot rewrite another seller's
 * entry), and sizes are capped. Not part of the x402j API.
 */
public final class BazaarExtraction {
  /** The extension key. */
  public static final String KEY = "bazaar";

  private static final Pattern ROUTE_TEMPLATE = Pattern.compile("^/[a-zA-Z0-9_/:.\\-~%]+$");
  private static final Pattern PRINTABLE_ASCII = Pattern.compile("^[\\x20-\\x7e]+$");
  private static final Pattern EXTENSION_KEY = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Pattern ALL_DIGITS = Pattern.compile("^\\d+$");
  private static final Pattern HEX_LITERAL =
      Pattern.compile("^0x[0-9a-f]+$", Pattern.CASE_INSENSITIVE);
  private static final Pattern IPV4 =
      Pattern.compile("^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$");
  private static final Set<String> LOOPBACK =
      Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");
  private static final int MAX_URL = 2048;
  private static final int MAX_DESCRIPTION = 1024;
  private static final int MAX_TOOL_NAME = 128;
  private static final int MAX_EXTENSION_KEYS = 16;

  private final ObjectMapper mapper = new ObjectMapper();
  private final BoundedSchemaValidator validator = new BoundedSchemaValidator();
  private final WireCodec wire = WireCodec.standard();
  private static final Set<String> QUERY_METHODS = Set.of("GET", "HEAD", "DELETE");
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  /** What a payment's declaration came to. */
  public sealed interface Outcome permits Absent, Rejected, Declared {}

  /** The payment declares nothing to catalog. */
  public record Absent() implements Outcome {}

  /** The declaration is refused, for {@code reason} (printable ASCII). */
  public record Rejected(String reason) implements Outcome {}

  /** A valid declaration, ready to store. */
  public record Declared(Entry entry) implements Outcome {}

  /**
   * One catalog entry as a payment describes it.
   *
   * @param id the storage key: SHA-256 of resource, tool name and recipient
   * @param resource the canonical resource URL (origin + route template or path)
   * @param toolName the MCP tool, or {@code null} for HTTP
   * @param payTo the recipient in canonical form (lower-case hex on EVM networks)
   * @param type {@code http} or {@code mcp}
   * @param x402Version the protocol version of the payment
   * @param description the resource's description, or {@code null}
   * @param mimeType the resource's media type, or {@code null}
   * @param serviceName the valid service name, or {@code null}
   * @param tags the valid tags (possibly empty)
   * @param iconUrl the valid icon URL, or {@code null}
   * @param extensionKeys the extension keys the payment carried
   * @param bazaar the declaration to show: {@code info}, {@code schema}, and {@code routeTemplate}
   *     when valid
   * @param metadata what the entry says about itself ({@code method}, {@code toolName}, {@code
   *     routeTemplate})
   * @param scheme the payment's scheme
   * @param network the payment's network
   * @param asset the payment's asset
   * @param requirements the requirements the payment accepted, as JSON
   */
  public record Entry(
      String id,
      String resource,
      String toolName,
      String payTo,
      String type,
      int x402Version,
      String description,
      String mimeType,
      String serviceName,
      List<String> tags,
      String iconUrl,
      List<String> extensionKeys,
      ObjectNode bazaar,
      ObjectNode metadata,
      String scheme,
      String network,
      String asset,
      String requirements) {}

  /**
   * Whether {@code request} carries a declaration at all (cheap: no validation). For protocol v1
   * this is the very rule {@link #extract} applies ({@link #v1Method}), so a payment this calls
   * declaring is one the catalog derives an entry from, and the other way round.
   */
  public static boolean declares(FacilitatorRequest request) {
    if (request instanceof VerifyRequest v2) {
      Map<String, Object> extensions = v2.paymentPayload().extensions();
      return extensions != null && extensions.containsKey(KEY);
    }
    if (request instanceof VerifyRequestV1 v1) {
      return v1Method(v1.paymentRequirements().outputSchema()) != null;
    }
    return false;
  }

  /**
   * The one rule for whether v1 requirements declare a resource, as the official {@code
   * extractDiscoveryInfoV1} decides it: {@code outputSchema.input} is an object of type {@code
   * http} with a {@code method} ({@code hasV1OutputSchema}), discoverable unless {@code
   * discoverable} is present and falsy, and the method, upper-cased, is a query method (GET, HEAD,
   * DELETE) or a body method (POST, PUT, PATCH). Returns that upper-cased method, or {@code null}
   * when the requirements declare nothing. Shallow: it reads {@code input}'s own fields only.
   */
  static String v1Method(Map<String, Object> outputSchema) {
    if (outputSchema == null
        || !(outputSchema.get("input") instanceof Map<?, ?> input)
        || !"http".equals(input.get("type"))
        || !input.containsKey("method")) {
      return null;
    }
    // JavaScript's `discoverable ?? true`: absent or null is discoverable, else its truthiness.
    Object discoverable = input.get("discoverable");
    if (discoverable != null && !truthy(discoverable)) {
      return null;
    }
    String method = input.get("method") instanceof String text ? text.toUpperCase(Locale.ROOT) : "";
    return QUERY_METHODS.contains(method) || BODY_METHODS.contains(method) ? method : null;
  }

  /** JavaScript's truthiness of a JSON value, as the official v1 rules test fields. */
  private static boolean truthy(Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return false;
    }
    if (value instanceof String text) {
      return !text.isEmpty();
    }
    if (value instanceof Number number) {
      return number instanceof java.math.BigDecimal d
          ? d.signum() != 0
          : number instanceof java.math.BigInteger i ? i.signum() != 0 : number.doubleValue() != 0;
    }
    return true;
  }

  /** JavaScript's {@code typeof value === "object"} for a truthy JSON value. */
  private static boolean container(Object value) {
    return value instanceof Map<?, ?> || value instanceof List<?>;
  }

  /** The first of {@code names} in {@code input} that is truthy and a JSON object or array. */
  private static Object firstObject(Map<?, ?> input, String... names) {
    for (String name : names) {
      Object value = input.get(name);
      if (truthy(value) && container(value)) {
        return value;
      }
    }
    return null;
  }

  /** The first of {@code names} in {@code input} that is truthy (JavaScript's {@code a || b}). */
  private static Object firstTruthy(Map<?, ?> input, String... names) {
    for (String name : names) {
      if (truthy(input.get(name))) {
        return input.get(name);
      }
    }
    return null;
  }

  /**
   * The v2 {@code info} the official {@code extractDiscoveryInfoV1} derives from v1 {@code
   * outputSchema}, or {@code null} exactly when {@link #v1Method} finds no declaration.
   */
  private ObjectNode v1Info(Map<String, Object> outputSchema) {
    String method = v1Method(outputSchema);
    if (method == null) {
      return null;
    }
    Map<?, ?> input = (Map<?, ?>) outputSchema.get("input");
    ObjectNode info = mapper.createObjectNode();
    ObjectNode derived = info.putObject("input");
    derived.put("type", "http");
    derived.put("method", method);
    if (BODY_METHODS.contains(method)) {
      String bodyType = "json";
      if (firstTruthy(input, "bodyType", "body_type") instanceof String declared) {
        String type = declared.toLowerCase(Locale.ROOT);
        if (type.contains("form") || type.contains("multipart")) {
          bodyType = "form-data";
        } else if (type.contains("text") || type.contains("plain")) {
          bodyType = "text";
        }
      }
      derived.put("bodyType", bodyType);
      Object fields =
          firstObject(
              input, "bodyFields", "body_fields", "bodyParams", "body", "data", "properties");
      derived.set("body", fields != null ? tree(fields) : mapper.createObjectNode());
    }
    Object queryParams = firstObject(input, "queryParams", "query_params", "query", "params");
    if (queryParams != null) {
      derived.set("queryParams", tree(queryParams));
    }
    Object headers = firstTruthy(input, "headerFields", "header_fields", "headers");
    if (container(headers)) {
      derived.set("headers", tree(headers));
    }
    Object output = outputSchema.get("output");
    if (truthy(output)) {
      ObjectNode example = info.putObject("output");
      example.put("type", "json");
      example.set("example", tree(output));
    }
    return info;
  }

  private JsonNode tree(Object value) {
    return mapper.valueToTree(value);
  }

  /** The fixed schema the official catalog gives a v1 declaration. */
  private ObjectNode v1Schema() {
    ObjectNode schema = mapper.createObjectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    properties.putObject("input").put("type", "object");
    properties.putObject("output").put("type", "object");
    schema.putArray("required").add("input");
    return schema;
  }

  /**
   * Reads {@code request}'s declaration. Never throws for hostile input.
   *
   * @param networks the registry of the facilitator that settled the payment: it names a v1
   *     payment's network
   */
  public Outcome extract(FacilitatorRequest request, NetworkRegistry networks) {
    try {
      if (request instanceof VerifyRequestV1 v1) {
        ObjectNode info = v1Info(v1.paymentRequirements().outputSchema());
        return info == null
            ? new Absent()
            : extractV1(v1.paymentRequirements(), info, new V1Translation(networks));
      }
      if (request instanceof VerifyRequest v2 && declares(v2)) {
        return extract(v2.paymentPayload(), v2.paymentRequirements());
      }
      return new Absent();
    } catch (RuntimeException e) {
      return new Rejected(Reasons.safe("bazaar declaration could not be read: " + e.getMessage()));
    }
  }

  /**
   * A v1 payment's declaration, as the official facilitator reads it: {@code info} derived from the
   * requirements' {@code outputSchema.input}, the fixed v1 schema, the resource, description and
   * media type from the requirements; then the same checks, bounds and keying as v2 (no route
   * template in v1).
   */
  private Outcome extractV1(PaymentRequirementsV1 v1, ObjectNode info, V1Translation translation) {
    ObjectNode extension = mapper.createObjectNode();
    extension.set("info", info);
    extension.set("schema", v1Schema());
    PaymentRequirements requirements = translation.requirements(v1);
    PaymentPayload payload =
        new PaymentPayload(
            new ResourceInfo(
                v1.resource(),
                v1.description().isEmpty() ? null : v1.description(),
                v1.mimeType(),
                Map.of()),
            requirements,
            Map.of(),
            Map.of(KEY, mapper.convertValue(extension, Map.class)),
            Map.of());
    Outcome outcome = extract(payload, requirements);
    if (outcome instanceof Rejected rejected) {
      return new Rejected("v1 payment (requirements.outputSchema, resource): " + rejected.reason());
    }
    if (outcome instanceof Declared declared) {
      Entry e = declared.entry();
      return new Declared(
          new Entry(
              e.id(),
              e.resource(),
              e.toolName(),
              e.payTo(),
              e.type(),
              1,
              e.description(),
              e.mimeType(),
              e.serviceName(),
              e.tags(),
              e.iconUrl(),
              e.extensionKeys(),
              e.bazaar(),
              e.metadata(),
              e.scheme(),
              e.network(),
              e.asset(),
              wire.toJson(v1)));
    }
    return outcome;
  }

  private Outcome extract(PaymentPayload payload, PaymentRequirements requirements) {
    JsonNode extension = mapper.valueToTree(payload.extensions().get(KEY));
    if (!extension.isObject()
        || !extension.path("info").isObject()
        || !extension.path("schema").isObject()) {
      return new Rejected("bazaar extension must be an object with info and schema objects");
    }
    JsonNode info = extension.get("info");
    JsonNode schema = extension.get("schema");
    Optional<String> invalid = validator.check(schema, info);
    if (invalid.isPresent()) {
      return new Rejected(invalid.get());
    }
    Optional<String> spec = specRules(info.get("input"));
    if (spec.isPresent()) {
      return new Rejected(spec.get());
    }
    ResourceInfo resource = payload.resource();
    if (resource == null) {
      return new Rejected("the payment names no resource (resource.url)");
    }
    URI url;
    try {
      url = new URI(resource.url());
    } catch (URISyntaxException e) {
      return new Rejected("resource.url is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (resource.url().length() > MAX_URL
        || !(scheme.equals("http") || scheme.equals("https"))
        || url.getHost() == null
        || url.getRawUserInfo() != null) {
      return new Rejected(
          "resource.url must be an absolute http(s) URL without user info, at most "
              + MAX_URL
              + " characters");
    }
    String routeTemplate = routeTemplate(extension.get("routeTemplate"));
    String host = url.getHost().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      // The fully qualified spelling names the same host: one entry, not two.
      host = host.substring(0, host.length() - 1);
    }
    String origin = scheme + "://" + host + port(scheme, url);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String canonical = origin + canonicalPath(routeTemplate != null ? routeTemplate : path);

    JsonNode input = info.get("input");
    String type = input.get("type").textValue();
    String toolName = type.equals("mcp") ? input.get("toolName").textValue() : null;
    String payTo = canonicalPayTo(requirements);

    ObjectNode bazaar = mapper.createObjectNode();
    bazaar.set("info", info);
    bazaar.set("schema", schema);
    if (routeTemplate != null) {
      bazaar.put("routeTemplate", routeTemplate);
    }
    ObjectNode metadata = mapper.createObjectNode();
    if (toolName != null) {
      metadata.put("toolName", toolName);
    } else if (input.path("method").isTextual()) {
      metadata.put("method", input.get("method").textValue());
    }
    if (routeTemplate != null) {
      metadata.put("routeTemplate", routeTemplate);
    }
    Map<String, Object> extra = resource.additionalFields();
    List<String> keys = new ArrayList<>();
    for (String key : payload.extensions().keySet()) {
      if (keys.size() < MAX_EXTENSION_KEYS && EXTENSION_KEY.matcher(key).matches()) {
        keys.add(key);
      }
    }
    return new Declared(
        new Entry(
            id(canonical, toolName, payTo),
            canonical,
            toolName,
            payTo,
            type,
            2,
            bounded(resource.description(), MAX_DESCRIPTION),
            resource.mimeType() != null && resource.mimeType().length() <= 128
                ? resource.mimeType()
                : null,
            serviceName(extra.get("serviceName")),
            tags(extra.get("tags")),
            iconUrl(extra.get("iconUrl")),
            List.copyOf(keys),
            bazaar,
            metadata,
            requirements.scheme(),
            requirements.network().toString(),
            requirements.asset(),
            wire.toJson(requirements)));
  }

  /** The spec's structural rules for {@code info.input}, which the catalog relies on. */
  private static Optional<String> specRules(JsonNode input) {
    if (input == null || !input.isObject()) {
      return Optional.of("bazaar.info.input must be an object");
    }
    String type = input.path("type").isTextual() ? input.get("type").textValue() : "";
    if (type.equals("http")) {
      JsonNode method = input.get("method");
      if (method != null
          && !(method.isTextual()
              && (QUERY_METHODS.contains(method.textValue())
                  || BODY_METHODS.contains(method.textValue())))) {
        return Optional.of(
            "bazaar.info.input.method must be one of GET, HEAD, DELETE, POST, PUT, PATCH");
      }
      return Optional.empty();
    }
    if (type.equals("mcp")) {
      JsonNode tool = input.get("toolName");
      if (tool == null
          || !tool.isTextual()
          || tool.textValue().isEmpty()
          || tool.textValue().length() > MAX_TOOL_NAME
          || !PRINTABLE_ASCII.matcher(tool.textValue()).matches()) {
        return Optional.of(
            "bazaar.info.input.toolName must be 1 to "
                + MAX_TOOL_NAME
                + " printable ASCII characters for an MCP tool");
      }
      if (!input.path("inputSchema").isObject()) {
        return Optional.of("bazaar.info.input.inputSchema must be an object for an MCP tool");
      }
      return Optional.empty();
    }
    return Optional.of("bazaar.info.input.type must be \"http\" or \"mcp\"");
  }

  /**
   * {@code path} in RFC 3986's normal form (section 6.2.2): percent-escapes of unreserved
   * characters decoded, the others' hex digits upper case, then {@code .} and {@code ..} segments
   * removed, so that {@code /a/../b}, {@code /%62} and {@code /b} are one resource.
   */
  static String canonicalPath(String path) {
    StringBuilder decoded = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length() && hex(path.charAt(i + 1)) && hex(path.charAt(i + 2))) {
        char byteValue = (char) Integer.parseInt(path.substring(i + 1, i + 3), 16);
        if (unreserved(byteValue)) {
          decoded.append(byteValue);
        } else {
          decoded.append('%').append(path.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
        }
        i += 2;
      } else {
        decoded.append(c);
      }
    }
    List<String> out = new ArrayList<>();
    String[] segments = decoded.toString().split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".") || segment.equals("..")) {
        if (segment.equals("..") && !out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        if (last) {
          out.add("");
        }
      } else {
        out.add(segment);
      }
    }
    return "/" + String.join("/", out);
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static String port(String scheme, URI url) {
    int port = url.getPort();
    boolean implicit =
        port < 0
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return implicit ? "" : ":" + port;
  }

  private static String canonicalPayTo(PaymentRequirements requirements) {
    if (requirements.network().isEvm()) {
      try {
        return EvmAddress.parse(requirements.payTo()).toLowerHex();
      } catch (IllegalArgumentException e) {
        // The scheme accepted it; keep it as sent, bounded below.
      }
    }
    if ("solana".equals(requirements.network().namespace())) {
      try {
        return io.x402j.svm.SolanaAddress.parse(requirements.payTo()).toString();
      } catch (IllegalArgumentException e) {
        // The scheme accepted it; keep it as sent, bounded below.
      }
    }
    String payTo = requirements.payTo();
    return payTo.length() > 128 ? payTo.substring(0, 128) : payTo;
  }

  /**
   * A {@code payTo} filter in the form entries are kept in: an EVM address in lower-case hex,
   * anything else (a base58 Solana address) as given if it is 1 to 128 ASCII letters and digits.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static String payToFilter(String text) {
    if (text.startsWith("0x") || text.startsWith("0X")) {
      return EvmAddress.parse(text).toLowerHex();
    }
    if (text.length() > 128
        || !text.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
      throw new IllegalArgumentException("not an address");
    }
    return text;
  }

  private static String id(String resource, String toolName, String payTo) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(resource.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update((toolName == null ? "" : toolName).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(payTo.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String bounded(String text, int max) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    return text.length() <= max ? text : text.substring(0, max);
  }

  /** The spec's {@code isValidRouteTemplate}: a template that fails any rule is ignored. */
  static String routeTemplate(JsonNode value) {
    if (value == null || !value.isTextual()) {
      return null;
    }
    String template = value.textValue();
    if (template.isEmpty() || template.length() > MAX_URL) {
      return null;
    }
    if (!ROUTE_TEMPLATE.matcher(template).matches()) {
      return null;
    }
    String decoded = template;
    for (int pass = 0; ; pass++) {
      if (pass == 5) {
        return null;
      }
      String next;
      try {
        next = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (next.equals(decoded)) {
        break;
      }
      decoded = next;
    }
    if (decoded.contains("..") || decoded.contains("://")) {
      return null;
    }
    return template;
  }

  static String serviceName(Object value) {
    if (!(value instanceof String name)) {
      return null;
    }
    return !name.isEmpty() && name.length() <= 32 && PRINTABLE_ASCII.matcher(name).matches()
        ? name
        : null;
  }

  static List<String> tags(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Object entry : list) {
      if (entry instanceof String tag
          && !tag.isEmpty()
          && tag.length() <= 32
          && PRINTABLE_ASCII.matcher(tag).matches()
          && seen.add(tag.toLowerCase(Locale.ROOT))) {
        out.add(tag);
        if (out.size() == 5) {
          break;
        }
      }
    }
    return List.copyOf(out);
  }

  static String iconUrl(Object value) {
    if (!(value instanceof String text) || text.isEmpty() || text.length() > MAX_URL) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return null;
      }
    }
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getRawUserInfo() != null) {
      return null;
    }
    String host = url.getRawAuthority();
    if (host == null || host.isEmpty() || host.startsWith("[")) {
      return null;
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    try {
      host = URLDecoder.decode(host.replace("+", "%2B"), StandardCharsets.UTF_8);
      host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (host.endsWith(".")) {
      // "localhost." and "1.2.3.4." name the same hosts as without the dot.
      host = host.substring(0, host.length() - 1);
    }
    String lastLabel = host.substring(host.lastIndexOf('.') + 1);
    if (host.isEmpty()
        || host.startsWith("[")
        || LOOPBACK.contains(host)
        // A host whose last label is a number is an IPv4 address to a browser (WHATWG URL):
        // 127.1, 0x7f.1 and 2130706433 are all 127.0.0.1.
        || ALL_DIGITS.matcher(lastLabel).matches()
        || HEX_LITERAL.matcher(lastLabel).matches()
        || lastLabel.equalsIgnoreCase("0x")
        || IPV4.matcher(host).matches()
        || ALL_DIGITS.matcher(host).matches()
        || HEX_LITERAL.matcher(host).matches()) {
      return null;
    }
    return text;
  }
}
