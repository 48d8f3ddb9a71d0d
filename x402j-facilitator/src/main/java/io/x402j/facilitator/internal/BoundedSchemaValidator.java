package io.x402j.facilitator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.regex.RegularExpression;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a bazaar declaration's {@code info} against its {@code schema} (JSON Schema draft
 * 2020-12) within fixed bounds, because anyone who pays the smallest amount can send one. Not part
 * of the x402j API.
 *
 * <p>What is refused before the validator runs: a {@code $schema} other than draft 2020-12; any
 * {@code $ref} or {@code $id} that is not a same-document fragment ({@code #…}), as the spec
 * requires, and {@code $dynamicRef}/{@code $recursiveRef}; a {@code $ref} that points nowhere; a
 * {@code $ref} cycle (a recursive schema could loop without consuming the instance); more than
 * {@link #MAX_NODES} JSON nodes or {@link #MAX_DEPTH} levels in either document; more than {@link
 * #MAX_UNFOLDED} schema nodes once every {@code $ref} is expanded (shared definitions referenced
 * from many places multiply); strings longer than {@link #MAX_STRING}; numbers with more than 100
 * digits or an exponent beyond ±100; patterns longer than {@link #MAX_PATTERN} characters or that
 * do not compile. While it runs, every regular-expression match draws from a budget of {@link
 * #MATCH_STEPS} character reads per validation, so a catastrophic pattern fails fast instead of
 * backtracking for hours. No reference is ever fetched: the registry has no remote loader, and
 * external references are refused before it sees them anyway.
 *
 * <p>Thread-safe; one instance serves every validation.
 */
public final class BoundedSchemaValidator {
  /** The most JSON nodes in the schema, and separately in {@code info}. */
  public static final int MAX_NODES = 4_000;

  /** The deepest nesting in either document. */
  public static final int MAX_DEPTH = 32;

  /** The most schema nodes with every {@code $ref} expanded in place. */
  public static final int MAX_UNFOLDED = 5_000;

  /**
   * The most schema nodes (with every {@code $ref} expanded) times JSON values of {@code info}: a
   * bound on how many (schema node, value) evaluations a validation can make. Within the other
   * bounds alone, 4,000 strings each checked against an {@code anyOf} of 2,000 failing branches
   * cost the validator minutes and gigabytes of error records.
   */
  public static final long MAX_WORK = 200_000;

  /** The longest string value or object key. */
  public static final int MAX_STRING = 8_192;

  /** The longest regular expression. */
  public static final int MAX_PATTERN = 256;

  /** Character reads all regular-expression matches of one validation may make. */
  public static final long MATCH_STEPS = 1_000_000;

  private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final ThreadLocal<long[]> BUDGET = new ThreadLocal<>();

  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  .schemaCacheEnabled(false)
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder()
                          // Ajv without ajv-formats, as the official facilitator runs it: formats
                          // annotate, they do not assert.
                          .formatAssertionsEnabled(false)
                          .regularExpressionFactory(BoundedSchemaValidator::budgeted)
                          .build()));

  /** Thrown inside a match when the validation's budget of character reads is spent. */
  private static final class BudgetSpent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetSpent() {
      super("regular expression budget spent", null, false, false);
    }
  }

  /**
   * Why {@code info} is refused, or empty when {@code schema} accepts it. The reason is ASCII, at
   * most a few hundred characters, and quotes what the sender wrote only in escaped form.
   */
  public Optional<String> check(JsonNode schema, JsonNode info) {
    if (!schema.isObject()) {
      return Optional.of("bazaar.schema must be a JSON object");
    }
    Optional<String> shape = shape(schema, "bazaar.schema");
    if (shape.isEmpty()) {
      shape = shape(info, "bazaar.info");
    }
    if (shape.isEmpty()) {
      shape = keywords(schema);
    }
    if (shape.isEmpty()) {
      shape = references(schema, info);
    }
    if (shape.isPresent()) {
      return shape;
    }
    BUDGET.set(new long[] {MATCH_STEPS});
    try {
      Schema compiled = registry.getSchema(schema);
      List<Error> errors = compiled.validate(info);
      if (errors.isEmpty()) {
        return Optional.empty();
      }
      StringBuilder reason = new StringBuilder("info failed schema validation: ");
      for (int i = 0; i < Math.min(3, errors.size()); i++) {
        reason.append(i == 0 ? "" : "; ").append(errors.get(i).toString());
      }
      return Optional.of(Reasons.safe(reason.toString()));
    } catch (BudgetSpent e) {
      return Optional.of("a pattern in bazaar.schema takes too long to match");
    } catch (StackOverflowError e) {
      return Optional.of("bazaar.schema is too deeply recursive to evaluate");
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      if (root instanceof BudgetSpent) {
        return Optional.of("a pattern in bazaar.schema takes too long to match");
      }
      return Optional.of(
          Reasons.safe("bazaar.schema cannot be used: " + String.valueOf(root.getMessage())));
    } finally {
      BUDGET.remove();
    }
  }

  /** Counts nodes, depth, string lengths and number sizes, without recursion. */
  private static Optional<String> shape(JsonNode root, String what) {
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(1);
    int count = 0;
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      int depth = depths.pop();
      if (++count > MAX_NODES) {
        return Optional.of(what + " has more than " + MAX_NODES + " JSON values");
      }
      if (depth > MAX_DEPTH) {
        return Optional.of(what + " is nested deeper than " + MAX_DEPTH + " levels");
      }
      if (node.isTextual() && node.textValue().length() > MAX_STRING) {
        return Optional.of(what + " has a string longer than " + MAX_STRING + " characters");
      }
      if (node.isNumber() && !(node.isInt() || node.isLong())) {
        BigDecimal value = node.decimalValue();
        if (value.precision() > 100 || Math.abs(value.scale()) > 100) {
          return Optional.of(what + " has a number with too many digits or too large an exponent");
        }
      }
      if (node.isContainerNode()) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        if (node.isObject()) {
          while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().length() > MAX_STRING) {
              return Optional.of(what + " has a key longer than " + MAX_STRING + " characters");
            }
            nodes.push(field.getValue());
            depths.push(depth + 1);
          }
        } else {
          for (JsonNode element : node) {
            nodes.push(element);
            depths.push(depth + 1);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The keywords that reach outside the document or into the regex engine. Like the official check,
   * every object is inspected, data under {@code const} or {@code enum} included: a key named
   * {@code $ref} anywhere is held to the rule.
   */
  private static Optional<String> keywords(JsonNode schema) {
    JsonNode dialect = schema.get("$schema");
    if (dialect != null && !isDraft202012(dialect)) {
      return Optional.of(
          "bazaar.schema $schema must be " + DRAFT_2020_12 + " (JSON Schema draft 2020-12)");
    }
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(schema);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      if (node.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          String key = field.getKey();
          JsonNode value = field.getValue();
          switch (key) {
            case "$ref":
            case "$id":
              if (!value.isTextual() || !value.textValue().startsWith("#")) {
                return Optional.of(
                    "bazaar.schema must not contain external $ref/$id references (only #…"
                        + " fragments of the same document)");
              }
              break;
            case "$dynamicRef":
            case "$recursiveRef":
              return Optional.of("bazaar.schema must not use " + key);
            case "$schema":
              if (node != schema && !isDraft202012(value)) {
                return Optional.of("bazaar.schema embeds a schema of another dialect");
              }
              break;
            case "pattern":
              if (value.isTextual()) {
                Optional<String> bad = pattern(value.textValue());
                if (bad.isPresent()) {
                  return bad;
                }
              }
              break;
            case "patternProperties":
              if (value.isObject()) {
                Iterator<String> names = value.fieldNames();
                while (names.hasNext()) {
                  Optional<String> bad = pattern(names.next());
                  if (bad.isPresent()) {
                    return bad;
                  }
                }
              }
              break;
            default:
              break;
          }
          nodes.push(value);
        }
      } else if (node.isArray()) {
        node.forEach(nodes::push);
      }
    }
    return Optional.empty();
  }

  private static boolean isDraft202012(JsonNode value) {
    if (!value.isTextual()) {
      return false;
    }
    String text = value.textValue();
    return text.equals(DRAFT_2020_12) || text.equals(DRAFT_2020_12 + "#");
  }

  private static Optional<String> pattern(String regex) {
    if (regex.length() > MAX_PATTERN) {
      return Optional.of(
          "a pattern in bazaar.schema is longer than " + MAX_PATTERN + " characters");
    }
    try {
      Pattern.compile(regex);
      return Optional.empty();
    } catch (PatternSyntaxException | StackOverflowError e) {
      return Optional.of(
          Reasons.safe(
              "a pattern in bazaar.schema is not a valid regular expression: "
                  + Reasons.excerpt(regex)));
    }
  }

  /**
   * Resolves every same-document {@code $ref} and expands them all in a count, refusing refs that
   * point nowhere, cycles, and an expansion larger than {@link #MAX_UNFOLDED}.
   */
  private static Optional<String> references(JsonNode schema, JsonNode info) {
    Map<String, JsonNode> anchors = new HashMap<>();
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(schema);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      if (node.isObject()) {
        for (String key : List.of("$anchor", "$dynamicAnchor")) {
          JsonNode anchor = node.get(key);
          if (anchor != null && anchor.isTextual()) {
            anchors.putIfAbsent(anchor.textValue(), node);
          }
        }
        JsonNode id = node.get("$id");
        if (id != null && id.isTextual() && id.textValue().length() > 1) {
          anchors.putIfAbsent(id.textValue().substring(1), node);
        }
      }
      if (node.isContainerNode()) {
        node.forEach(nodes::push);
      }
    }
    Unfolding unfolding = new Unfolding(schema, anchors);
    try {
      long size = unfolding.size(schema);
      if (size > MAX_UNFOLDED) {
        return tooLarge();
      }
      long values = values(info);
      if (size * values > MAX_WORK) {
        return Optional.of(
            "bazaar.schema ("
                + size
                + " schema nodes with $refs expanded) and bazaar.info ("
                + values
                + " JSON values) together exceed the validation budget of "
                + MAX_WORK
                + " node-value pairs");
      }
      return Optional.empty();
    } catch (Unfolding.Refused e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The JSON values in {@code root}, counted without recursion (already bounded by shape). */
  private static long values(JsonNode root) {
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(root);
    long count = 0;
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      count++;
      if (node.isContainerNode()) {
        node.forEach(nodes::push);
      }
    }
    return count;
  }

  private static Optional<String> tooLarge() {
    return Optional.of(
        "bazaar.schema has more than "
            + MAX_UNFOLDED
            + " schema nodes once its $refs are expanded");
  }

  /** Counts a schema's nodes with every reference expanded, memoized per node. */
  private static final class Unfolding {
    private final JsonNode root;
    private final Map<String, JsonNode> anchors;
    private final Map<JsonNode, Long> sizes = new IdentityHashMap<>();
    private final Set<JsonNode> open = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    Unfolding(JsonNode root, Map<String, JsonNode> anchors) {
      this.root = root;
      this.anchors = anchors;
    }

    static final class Refused extends Exception {
      private static final long serialVersionUID = 1L;

      Refused(String message) {
        super(message, null, false, false);
      }
    }

    long size(JsonNode node) throws Refused {
      Long known = sizes.get(node);
      if (known != null) {
        return known;
      }
      if (!open.add(node)) {
        throw new Refused("bazaar.schema has a $ref cycle (recursive schemas are not accepted)");
      }
      long size = 1;
      if (node.isContainerNode()) {
        for (JsonNode child : node) {
          size = Math.min(size + size(child), MAX_UNFOLDED + 1L);
        }
        JsonNode ref = node.isObject() ? node.get("$ref") : null;
        if (ref != null && ref.isTextual()) {
          size = Math.min(size + size(target(ref.textValue())), MAX_UNFOLDED + 1L);
        }
      }
      open.remove(node);
      sizes.put(node, size);
      if (size > MAX_UNFOLDED) {
        throw new Refused(tooLarge().orElseThrow());
      }
      return size;
    }

    private JsonNode target(String ref) throws Refused {
      String fragment = URLDecoder.decode(ref.substring(1), StandardCharsets.UTF_8);
      JsonNode found;
      if (fragment.isEmpty()) {
        found = root;
      } else if (fragment.startsWith("/")) {
        found = root;
        for (String token : fragment.substring(1).split("/", -1)) {
          String name = token.replace("~1", "/").replace("~0", "~");
          if (found.isArray()) {
            found = isIndex(name) ? found.get(Integer.parseInt(name)) : null;
          } else {
            found = found.get(name);
          }
          if (found == null) {
            break;
          }
        }
      } else {
        found = anchors.get(fragment);
      }
      if (found == null) {
        throw new Refused(
            Reasons.safe(
                "bazaar.schema $ref " + Reasons.excerpt(ref) + " points to nothing in the schema"));
      }
      return found;
    }

    private static boolean isIndex(String text) {
      if (text.isEmpty() || text.length() > 6) {
        return false;
      }
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) < '0' || text.charAt(i) > '9') {
          return false;
        }
      }
      return true;
    }
  }

  /** A regular expression whose matching draws from the current validation's budget. */
  private static RegularExpression budgeted(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return value -> {
      long[] budget = BUDGET.get();
      if (budget == null) {
        throw new BudgetSpent(); // never outside check()
      }
      return pattern.matcher(new CountingChars(value, 0, value.length(), budget)).find();
    };
  }

  /** Characters whose every read costs one step of the budget. */
  private static final class CountingChars implements CharSequence {
    private final String text;
    private final int start;
    private final int end;
    private final long[] budget;

    CountingChars(String text, int start, int end, long[] budget) {
      this.text = text;
      this.start = start;
      this.end = end;
      this.budget = budget;
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      if (--budget[0] < 0) {
        throw new BudgetSpent();
      }
      return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new CountingChars(text, start + from, start + to, budget);
    }

    @Override
    public String toString() {
      return text.substring(start, end);
    }
  }
}
