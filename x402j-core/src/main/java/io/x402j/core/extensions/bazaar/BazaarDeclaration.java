package io.x402j.core.extensions.bazaar;

import io.x402j.core.support.JsonValues;
import io.x402j.core.support.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a paid HTTP endpoint or MCP tool declares for discovery: the {@code bazaar} extension of a
 * 402, {@code {info: {input, output?}, schema}}, where {@code schema} is the JSON Schema (draft
 * 2020-12) a facilitator validates {@code info} against before it catalogues the resource.
 *
 * <p>{@link #toExtension} builds exactly what the official {@code declareDiscoveryExtension} builds
 * for the same description; {@link #forRequest} then does what the official server extension does
 * for each 402 ({@code enrichDeclaration}): pins {@code method} to the request's, and for a dynamic
 * route adds the top-level {@code routeTemplate} and {@code info.input.pathParams}. Two additions
 * the official helper lacks but the spec allows are emitted only when used: request {@code headers}
 * (with the spec's schema for them) and {@code info.output.format}.
 *
 * <pre>{@code
 * BazaarDeclaration.http()
 *     .queryParams(Map.of("city", "Paris"),
 *         Map.of("properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")))
 *     .output(Map.of("temperature", 21))
 *     .build();
 * BazaarDeclaration.mcp("get_weather", inputSchema).description("Today's weather").build();
 * }</pre>
 *
 * <p>Immutable. Every value is a JSON value ({@link JsonValues}); schemas may refer only within
 * themselves ({@code $ref}/{@code $id} starting with {@code #}), as facilitators refuse others.
 */
public final class BazaarDeclaration {
  /** The key of the extension, {@code bazaar}. */
  public static final String KEY = "bazaar";

  /** The JSON Schema dialect of {@code schema}. */
  public static final String SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

  /** The methods whose input is query parameters. */
  public static final Set<String> QUERY_METHODS = Set.of("GET", "HEAD", "DELETE");

  /** The methods whose input is a body. */
  public static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  /** How a body method's body is encoded. */
  public enum BodyType {
    /** {@code json}. */
    JSON("json"),
    /** {@code form-data}. */
    FORM_DATA("form-data"),
    /** {@code text}. */
    TEXT("text");

    private final String wire;

    BodyType(String wire) {
      this.wire = wire;
    }

    /** The wire string. */
    public String wire() {
      return wire;
    }

    /**
     * The body type named {@code wire}.
     *
     * @throws IllegalArgumentException for anything but {@code json}, {@code form-data}, {@code
     *     text}
     */
    public static BodyType parse(String wire) {
      for (BodyType t : values()) {
        if (t.wire.equals(wire)) {
          return t;
        }
      }
      throw new IllegalArgumentException(
          "bodyType must be json, form-data or text, got " + Text.quote(wire));
    }
  }

  /** An MCP tool's transport. */
  public enum McpTransport {
    /** {@code streamable-http} (the default when none is declared). */
    STREAMABLE_HTTP("streamable-http"),
    /** {@code sse}. */
    SSE("sse");

    private final String wire;

    McpTransport(String wire) {
      this.wire = wire;
    }

    /** The wire string. */
    public String wire() {
      return wire;
    }
  }

  private final boolean mcp;
  // http
  private final String method;
  private final Map<String, Object> queryParams;
  private final Map<String, Object> queryParamsSchema;
  private final Map<String, Object> headers;
  private final BodyType bodyType;
  private final Object body;
  private final Map<String, Object> bodySchema;
  private final Map<String, Object> pathParamsSchema;
  private final String routeTemplate;
  // mcp
  private final String toolName;
  private final String toolDescription;
  private final McpTransport transport;
  private final Map<String, Object> inputSchema;
  private final Map<String, Object> example;
  // both
  private final Object outputExample;
  private final Map<String, Object> outputSchema;
  private final String outputType;
  private final String outputFormat;

  private BazaarDeclaration(Builder b) {
    this.mcp = b.mcp;
    this.method = b.method;
    this.queryParams = b.queryParams;
    this.queryParamsSchema = b.queryParamsSchema;
    this.headers = b.headers;
    this.bodyType = b.bodyType;
    this.body = b.body;
    this.bodySchema = b.bodySchema;
    this.pathParamsSchema = b.pathParamsSchema;
    this.routeTemplate = b.routeTemplate;
    this.toolName = b.toolName;
    this.toolDescription = b.toolDescription;
    this.transport = b.transport;
    this.inputSchema = b.inputSchema;
    this.example = b.example;
    this.outputExample = b.outputExample;
    this.outputSchema = b.outputSchema;
    this.outputType = b.outputType;
    this.outputFormat = b.outputFormat;
  }

  /** Starts the declaration of an HTTP endpoint ({@code info.input.type: "http"}). */
  public static Builder http() {
    return new Builder(false);
  }

  /**
   * Starts the declaration of an MCP tool ({@code info.input.type: "mcp"}).
   *
   * @param toolName the name passed to {@code tools/call}
   * @param inputSchema the JSON Schema of the tool's arguments, as the tool declares it
   */
  public static Builder mcp(String toolName, Map<String, ?> inputSchema) {
    Builder b = new Builder(true);
    if (toolName == null || toolName.isEmpty()) {
      throw new IllegalArgumentException("an MCP declaration needs a tool name");
    }
    b.toolName = toolName;
    b.inputSchema = schema(inputSchema, "inputSchema");
    if (b.inputSchema == null) {
      throw new IllegalArgumentException("an MCP declaration needs the tool's input schema");
    }
    return b;
  }

  /** Whether this declares an MCP tool (else an HTTP endpoint). */
  public boolean isMcp() {
    return mcp;
  }

  /** The route template given explicitly, or {@code null}. */
  public String routeTemplate() {
    return routeTemplate;
  }

  /** The MCP tool's name, or {@code null} for an HTTP endpoint. */
  public String toolName() {
    return toolName;
  }

  /**
   * The extension as the official {@code declareDiscoveryExtension} builds it: {@code {info,
   * schema}} (and {@code routeTemplate} when one was given), with {@code method} only when one was
   * given and the query or body form chosen by whether a body type was.
   */
  public Map<String, Object> toExtension() {
    if (mcp) {
      return mcpExtension();
    }
    Map<String, Object> out = httpExtension(method, bodyType != null);
    if (routeTemplate != null) {
      out.put("routeTemplate", routeTemplate);
    }
    return canonical(out);
  }

  /**
   * The extension a 402 for one request declares, as the official server extension enriches it. For
   * an HTTP endpoint: the form of {@code method} (a body method declares a body, {@code json} and
   * an empty example when none was described; a query method declares none), {@code method} pinned
   * in {@code info} and in the schema; and, when {@code template} (or the template given
   * explicitly, which wins) is not null, the top-level {@code routeTemplate} and {@code
   * info.input.pathParams} (with a schema for them when none was given). An MCP tool's declaration
   * is the same for every request.
   *
   * @param method the request's method, upper case
   * @param template the route template the request was matched by, or {@code null} for a static
   *     route
   * @param pathParams the template's parameters in this request (ignored without a template)
   * @throws IllegalArgumentException when {@code method} is none of GET, HEAD, DELETE, POST, PUT,
   *     PATCH, or {@code template} is not a valid route template
   */
  public Map<String, Object> forRequest(
      String method, String template, Map<String, String> pathParams) {
    if (mcp) {
      return mcpExtension();
    }
    String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    if (!QUERY_METHODS.contains(m) && !BODY_METHODS.contains(m)) {
      throw new IllegalArgumentException(
          "bazaar declares GET, HEAD, DELETE, POST, PUT and PATCH endpoints, not " + Text.quote(m));
    }
    Map<String, Object> out = httpExtension(null, BODY_METHODS.contains(m));
    Map<String, Object> input = map(map(out.get("info")).get("input"));
    Map<String, Object> schemaInput = schemaInput(out);
    input.put("method", m);
    Map<String, Object> methodSchema = new LinkedHashMap<>();
    methodSchema.put("type", "string");
    methodSchema.put("enum", List.of(m));
    map(schemaInput.get("properties")).put("method", methodSchema);
    String effective = routeTemplate != null ? routeTemplate : template;
    if (effective != null) {
      RouteTemplate.require(effective);
      out.put("routeTemplate", effective);
      input.put("pathParams", new LinkedHashMap<>(pathParams == null ? Map.of() : pathParams));
      Map<String, Object> properties = map(schemaInput.get("properties"));
      if (!properties.containsKey("pathParams")) {
        properties.put("pathParams", objectSchema(null));
      }
    }
    return canonical(out);
  }

  // --- building the official shapes -----------------------------------------------------------

  private Map<String, Object> httpExtension(String declaredMethod, boolean bodyForm) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "http");
    if (declaredMethod != null) {
      input.put("method", declaredMethod);
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("type", constString("http"));
    List<String> required = new ArrayList<>(List.of("type", "method"));
    if (bodyForm) {
      BodyType type = bodyType != null ? bodyType : BodyType.JSON;
      input.put("bodyType", type.wire());
      input.put("body", body != null ? body : Map.of());
      properties.put("method", enumString(List.of("POST", "PUT", "PATCH")));
      properties.put("bodyType", enumString(List.of("json", "form-data", "text")));
      properties.put("body", bodySchema != null ? bodySchema : Map.of("properties", Map.of()));
      required.addAll(List.of("bodyType", "body"));
      if (queryParams != null) {
        input.put("queryParams", queryParams);
        properties.put("queryParams", objectSchema(queryParamsSchema));
      }
    } else {
      input.put("queryParams", queryParams != null ? queryParams : Map.of());
      properties.put("method", enumString(List.of("GET", "HEAD", "DELETE")));
      properties.put(
          "queryParams",
          objectSchema(
              queryParamsSchema != null ? queryParamsSchema : Map.of("properties", Map.of())));
    }
    if (headers != null) {
      input.put("headers", headers);
      Map<String, Object> headersSchema = objectSchema(null);
      headersSchema.put("additionalProperties", Map.of("type", "string"));
      properties.put("headers", headersSchema);
    }
    if (pathParamsSchema != null) {
      properties.put("pathParams", objectSchema(pathParamsSchema));
    }
    Map<String, Object> schemaInput = new LinkedHashMap<>();
    schemaInput.put("type", "object");
    schemaInput.put("properties", properties);
    schemaInput.put("required", required);
    schemaInput.put("additionalProperties", false);
    return extension(input, schemaInput);
  }

  private Map<String, Object> mcpExtension() {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("type", "mcp");
    input.put("toolName", toolName);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("type", constString("mcp"));
    properties.put("toolName", Map.of("type", "string"));
    if (toolDescription != null) {
      input.put("description", toolDescription);
      properties.put("description", Map.of("type", "string"));
    }
    if (transport != null) {
      input.put("transport", transport.wire());
      properties.put("transport", enumString(List.of(transport.wire())));
    }
    input.put("inputSchema", inputSchema);
    properties.put("inputSchema", Map.of("type", "object"));
    if (example != null) {
      input.put("example", example);
      properties.put("example", Map.of("type", "object"));
    }
    Map<String, Object> schemaInput = new LinkedHashMap<>();
    schemaInput.put("type", "object");
    schemaInput.put("properties", properties);
    schemaInput.put("required", List.of("type", "toolName", "inputSchema"));
    schemaInput.put("additionalProperties", false);
    return canonical(extension(input, schemaInput));
  }

  private Map<String, Object> extension(Map<String, Object> input, Map<String, Object> schemaIn) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("input", input);
    Map<String, Object> schemaProperties = new LinkedHashMap<>();
    schemaProperties.put("input", schemaIn);
    if (outputExample != null || outputSchema != null) {
      Map<String, Object> output = new LinkedHashMap<>();
      output.put("type", outputType);
      if (outputFormat != null) {
        output.put("format", outputFormat);
      }
      if (outputExample != null) {
        output.put("example", outputExample);
      }
      info.put("output", output);
      Map<String, Object> outputProperties = new LinkedHashMap<>();
      outputProperties.put("type", Map.of("type", "string"));
      if (outputFormat != null) {
        outputProperties.put("format", Map.of("type", "string"));
      }
      Map<String, Object> exampleSchema = new LinkedHashMap<>();
      if (outputExample != null) {
        exampleSchema.put("type", jsonType(outputExample));
      }
      if (outputSchema != null) {
        exampleSchema.putAll(outputSchema);
      }
      outputProperties.put("example", exampleSchema);
      Map<String, Object> outputSchemaNode = new LinkedHashMap<>();
      outputSchemaNode.put("type", "object");
      outputSchemaNode.put("properties", outputProperties);
      outputSchemaNode.put("required", List.of("type"));
      schemaProperties.put("output", outputSchemaNode);
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", SCHEMA_DIALECT);
    schema.put("type", "object");
    schema.put("properties", schemaProperties);
    schema.put("required", List.of("input"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", info);
    out.put("schema", schema);
    return out;
  }

  /** The JSON Schema type of an example (the official helper assumes an object). */
  private static String jsonType(Object value) {
    if (value instanceof Map) {
      return "object";
    }
    if (value instanceof List) {
      return "array";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    return "number";
  }

  private static Map<String, Object> schemaInput(Map<String, Object> extension) {
    return map(map(map(extension.get("schema")).get("properties")).get("input"));
  }

  private static Map<String, Object> objectSchema(Map<String, Object> more) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "object");
    if (more != null) {
      out.putAll(more);
    }
    return out;
  }

  private static Map<String, Object> constString(String value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "string");
    out.put("const", value);
    return out;
  }

  private static Map<String, Object> enumString(List<String> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", "string");
    out.put("enum", values);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  private static Map<String, Object> canonical(Map<String, Object> value) {
    return JsonValues.canonicalObject(value, KEY);
  }

  /** A deep mutable copy is not needed: the parts are rebuilt for every call. */
  private static Map<String, Object> schema(Map<String, ?> schema, String what) {
    if (schema == null) {
      return null;
    }
    Map<String, Object> canonical = JsonValues.canonicalObject(schema, what);
    String external = externalReference(canonical, what);
    if (external != null) {
      throw new IllegalArgumentException(
          external + ": a schema may only refer within itself ($ref/$id starting with #)");
    }
    return canonical;
  }

  /** The path of the first {@code $ref}/{@code $id} that is not a same-document fragment. */
  static String externalReference(Object node, String path) {
    if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String found = externalReference(list.get(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        if ((key.equals("$ref") || key.equals("$id"))
            && !(e.getValue() instanceof String s && s.startsWith("#"))) {
          return path + "." + key;
        }
        String found = externalReference(e.getValue(), path + "." + key);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Builds a {@link BazaarDeclaration}. Values are checked as they are set. */
  public static final class Builder {
    private final boolean mcp;
    private String method;
    private Map<String, Object> queryParams;
    private Map<String, Object> queryParamsSchema;
    private Map<String, Object> headers;
    private BodyType bodyType;
    private Object body;
    private Map<String, Object> bodySchema;
    private Map<String, Object> pathParamsSchema;
    private String routeTemplate;
    private String toolName;
    private String toolDescription;
    private McpTransport transport;
    private Map<String, Object> inputSchema;
    private Map<String, Object> example;
    private Object outputExample;
    private Map<String, Object> outputSchema;
    private String outputType = "json";
    private String outputFormat;

    private Builder(boolean mcp) {
      this.mcp = mcp;
    }

    private void httpOnly(String what) {
      if (mcp) {
        throw new IllegalStateException(what + " describes HTTP endpoints, not MCP tools");
      }
    }

    private void mcpOnly(String what) {
      if (!mcp) {
        throw new IllegalStateException(what + " describes MCP tools, not HTTP endpoints");
      }
    }

    /**
     * The method, when the declaration is for one only (the gate pins the request's method anyway).
     *
     * @throws IllegalArgumentException for a method other than GET, HEAD, DELETE, POST, PUT, PATCH
     */
    public Builder method(String method) {
      httpOnly("method");
      String m = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      if (!QUERY_METHODS.contains(m) && !BODY_METHODS.contains(m)) {
        throw new IllegalArgumentException(
            "method must be GET, HEAD, DELETE, POST, PUT or PATCH, got " + Text.quote(method));
      }
      this.method = m;
      return this;
    }

    /**
     * Example query parameters and (may be null) the JSON Schema keywords describing them ({@code
     * properties}, {@code required}, ...; {@code type: "object"} is added).
     */
    public Builder queryParams(Map<String, ?> example, Map<String, ?> schema) {
      httpOnly("queryParams");
      this.queryParams = JsonValues.canonicalObject(example, "queryParams");
      this.queryParamsSchema = BazaarDeclaration.schema(schema, "queryParams schema");
      return this;
    }

    /** Example request headers the endpoint reads (names to example values). */
    public Builder headers(Map<String, String> example) {
      httpOnly("headers");
      this.headers = JsonValues.canonicalObject(example, "headers");
      return this;
    }

    /**
     * The body of a POST, PUT or PATCH endpoint: how it is encoded, an example (an object, or a
     * string for {@code text}; may be null) and its JSON Schema (may be null).
     */
    public Builder body(BodyType type, Object example, Map<String, ?> schema) {
      httpOnly("body");
      this.bodyType = Objects.requireNonNull(type, "bodyType");
      this.body = JsonValues.canonical(example, "body");
      this.bodySchema = BazaarDeclaration.schema(schema, "body schema");
      return this;
    }

    /** The JSON Schema keywords describing a dynamic route's path parameters. */
    public Builder pathParamsSchema(Map<String, ?> schema) {
      httpOnly("pathParams");
      this.pathParamsSchema = BazaarDeclaration.schema(schema, "pathParams schema");
      return this;
    }

    /**
     * The route template to declare instead of the one derived from the route's pattern, e.g.
     * {@code /users/:userId}.
     *
     * @throws IllegalArgumentException when it is not a valid route template
     */
    public Builder routeTemplate(String template) {
      httpOnly("routeTemplate");
      this.routeTemplate = RouteTemplate.require(template);
      return this;
    }

    /** The tool's description. */
    public Builder description(String description) {
      mcpOnly("a tool description");
      this.toolDescription = Objects.requireNonNull(description, "description");
      return this;
    }

    /** The tool's transport (default: none declared, which means {@code streamable-http}). */
    public Builder transport(McpTransport transport) {
      mcpOnly("transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Example tool arguments. */
    public Builder example(Map<String, ?> arguments) {
      mcpOnly("example arguments");
      this.example = JsonValues.canonicalObject(arguments, "example");
      return this;
    }

    /**
     * An example response ({@code info.output.example}, output type {@code json}). Without one no
     * output is declared, as the official helper does.
     */
    public Builder output(Object example) {
      this.outputExample =
          JsonValues.canonical(Objects.requireNonNull(example, "example"), "output");
      return this;
    }

    /**
     * JSON Schema keywords describing the response ({@code info.output.example}'s schema; with an
     * example its {@code type} is derived from it). Without an example, the output is declared by
     * its type and this schema alone.
     */
    public Builder outputSchema(Map<String, ?> schema) {
      this.outputSchema = BazaarDeclaration.schema(schema, "output schema");
      return this;
    }

    /** The output type (default {@code json}) and, may be null, its format. */
    public Builder outputType(String type, String format) {
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("an output type must not be blank");
      }
      this.outputType = type;
      this.outputFormat = format;
      return this;
    }

    /**
     * The declaration.
     *
     * @throws IllegalArgumentException when a body is described for a GET, HEAD or DELETE method
     */
    public BazaarDeclaration build() {
      if (method != null && bodyType != null && !BODY_METHODS.contains(method)) {
        throw new IllegalArgumentException(
            "a body is described, but " + method + " is not a body method (POST, PUT, PATCH)");
      }
      return new BazaarDeclaration(this);
    }
  }
}
