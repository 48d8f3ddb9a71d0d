package io.x402j.facilitator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The words of the catalog's search index: runs of ASCII letters and digits, lower-cased, 2 to 32
 * characters, a trailing plural {@code s} dropped (so "forecasts" finds "forecast"), JSON Schema
 * vocabulary left out. An entry keeps at most {@link #MAX_TERMS} distinct words; a query uses at
 * most {@link #MAX_QUERY_TERMS}. Not part of the x402j API.
 */
public final class SearchTerms {
  /** The most distinct words indexed per entry. */
  public static final int MAX_TERMS = 200;

  /** The most distinct words of a query that count. */
  public static final int MAX_QUERY_TERMS = 8;

  private static final Set<String> NOISE =
      normalized(
          "type",
          "object",
          "string",
          "number",
          "integer",
          "boolean",
          "array",
          "null",
          "properties",
          "property",
          "required",
          "items",
          "schema",
          "http",
          "https",
          "www",
          "json",
          "input",
          "output",
          "additionalproperties",
          "enum",
          "const",
          "example",
          "method",
          "body",
          "bodytype",
          "queryparam",
          "header",
          "format",
          "the",
          "and",
          "for",
          "org",
          "com",
          "draft",
          "ref",
          "def",
          "anyof",
          "oneof",
          "allof",
          "pattern",
          "minimum",
          "maximum",
          "minlength",
          "maxlength",
          "true",
          "false",
          "get",
          "post");

  private static Set<String> normalized(String... words) {
    Set<String> out = new java.util.HashSet<>();
    for (String word : words) {
      out.add(normalize(word));
    }
    return Set.copyOf(out);
  }

  private SearchTerms() {}

  /** The distinct words of {@code text}, in order, at most {@code max}. */
  public static List<String> words(String text, int max) {
    Set<String> out = new LinkedHashSet<>();
    add(text, out, max);
    return List.copyOf(out);
  }

  private static void add(String text, Set<String> out, int max) {
    if (text == null) {
      return;
    }
    int i = 0;
    while (i < text.length() && out.size() < max) {
      while (i < text.length() && !isWordChar(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < text.length() && isWordChar(text.charAt(i))) {
        i++;
      }
      if (i - start >= 2) {
        String word = normalize(text.substring(start, Math.min(i, start + 64)));
        if (word.length() >= 2 && word.length() <= 32 && !NOISE.contains(word)) {
          out.add(word);
        }
      }
    }
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String normalize(String word) {
    StringBuilder lower = new StringBuilder(word.length());
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    if (lower.length() > 3 && lower.charAt(lower.length() - 1) == 's') {
      lower.setLength(lower.length() - 1);
    }
    return lower.toString();
  }

  /** The weighted words of {@code entry}: where a word appears more than once, its best weight. */
  public static List<Map.Entry<String, Integer>> of(BazaarExtraction.Entry entry) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weigh(weights, entry.serviceName(), 5);
    entry.tags().forEach(tag -> weigh(weights, tag, 5));
    weigh(weights, entry.toolName(), 4);
    weigh(weights, entry.description(), 3);
    weigh(weights, entry.resource(), 2);
    Deque<JsonNode> nodes = new ArrayDeque<>();
    nodes.push(entry.bazaar());
    StringBuilder schemaText = new StringBuilder();
    while (!nodes.isEmpty() && schemaText.length() < 16_384) {
      JsonNode node = nodes.pop();
      if (node.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          schemaText.append(field.getKey()).append(' ');
          nodes.push(field.getValue());
        }
      } else if (node.isArray()) {
        node.forEach(nodes::push);
      } else if (node.isTextual()) {
        schemaText.append(node.textValue(), 0, Math.min(node.textValue().length(), 256));
        schemaText.append(' ');
      }
    }
    weigh(weights, schemaText.toString(), 1);
    List<Map.Entry<String, Integer>> out = new ArrayList<>(weights.entrySet());
    return out.size() > MAX_TERMS ? List.copyOf(out.subList(0, MAX_TERMS)) : List.copyOf(out);
  }

  private static void weigh(Map<String, Integer> weights, String text, int weight) {
    for (String word : words(text, MAX_TERMS)) {
      if (weights.size() >= MAX_TERMS && !weights.containsKey(word)) {
        return;
      }
      weights.merge(word, weight, Math::max);
    }
  }
}
