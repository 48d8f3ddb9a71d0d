package io.x402j.mcp.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.x402j.core.support.Text;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link McpJsonMapper} that refuses to read a JSON-RPC message that repeats a key in itself, in
 * its {@code params} (two {@code _meta}, two {@code name}) or in its {@code params._meta} (at any
 * depth, so also inside {@code _meta["x402/payment"]}), and otherwise reads as the mapper it wraps.
 * JSON parsers keep one copy of a repeated key without a word, and not all the same one (Jackson
 * and JavaScript keep the last, others the first): {@code {"x402/payment": A, "x402/payment": B}}
 * would have the paywall pay with B while anything else that reads the message may see A. A payment
 * is sent once. The streamable HTTP transport answers the refusal 400 with the JSON-RPC error
 * -32600 and this reason; the stdio transport ends the session, as it does for any message it
 * cannot read. Keys repeated elsewhere (tool arguments) are left to the wrapped mapper. Not part of
 * the x402j API.
 */
public final class MetaKeysOnce implements McpJsonMapper {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final McpJsonMapper delegate;

  /** Checks what {@code delegate} reads. */
  public MetaKeysOnce(McpJsonMapper delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Why the JSON-RPC message {@code json} is refused: the first key that an object within its
   * {@code params._meta} repeats; empty when none does, or when the text is not JSON (the wrapped
   * mapper then says why).
   */
  public static Optional<String> repeated(String json) throws IOException {
    return repeated(FACTORY.createParser(json));
  }

  private static Optional<String> repeated(JsonParser parser) throws IOException {
    // One frame per open object or array: where it is, and for objects the keys seen so far.
    Deque<Frame> open = new ArrayDeque<>();
    String name = null;
    try (parser) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            Frame parent = open.peek();
            Set<String> keys = token == JsonToken.START_OBJECT ? new HashSet<>() : null;
            open.push(parent == null ? new Frame("", "", keys) : parent.child(name, keys));
          }
          case END_OBJECT, END_ARRAY -> open.pop();
          case FIELD_NAME -> {
            name = parser.currentName();
            Frame frame = open.peek();
            if (frame != null && frame.watched() && !frame.keys.add(name)) {
              return Optional.of(
                  (frame.shown.isEmpty() ? "the message" : frame.shown)
                      + " repeats the key "
                      + Text.quote(name)
                      + "; send each key, and the payment, once");
            }
          }
          default -> {}
        }
      }
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * An open object or array.
   *
   * @param path where it is: the keys from the root joined by {@code /}, {@code []} for an element
   * @param shown where it is, for the reason: {@code params._meta['x402/payment']}
   * @param keys the keys seen so far in an object; null for an array
   */
  private record Frame(String path, String shown, Set<String> keys) {
    Frame child(String name, Set<String> childKeys) {
      String step = keys == null ? "[]" : name;
      String shownStep;
      if (keys == null) {
        shownStep = "[]";
      } else if (inMeta(path)) {
        shownStep = "[" + Text.quote(name) + "]";
      } else {
        shownStep = (shown.isEmpty() ? "" : ".") + name;
      }
      return new Frame(path + "/" + step, shown + shownStep, childKeys);
    }

    /**
     * Whether a repeated key here is refused: in the message and its {@code params} too, since two
     * {@code _meta} (or two {@code params}) that each hold the payment once are as much two
     * payments, and a repeated {@code name} could be priced as one tool and read as another.
     */
    boolean watched() {
      return keys != null
          && (path.isEmpty()
              || path.equals("/[]")
              || path.equals("/params")
              || path.equals("/[]/params")
              || inMeta(path));
    }

    static boolean inMeta(String path) {
      return path.equals("/params/_meta")
          || path.startsWith("/params/_meta/")
          || path.equals("/[]/params/_meta")
          || path.startsWith("/[]/params/_meta/");
    }
  }

  private static void check(JsonParser parser) throws IOException {
    Optional<String> repeated = repeated(parser);
    if (repeated.isPresent()) {
      throw new IOException(repeated.get());
    }
  }

  @Override
  public <T> T readValue(String content, Class<T> type) throws IOException {
    check(FACTORY.createParser(content));
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, Class<T> type) throws IOException {
    check(FACTORY.createParser(content));
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    check(FACTORY.createParser(content));
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
    check(FACTORY.createParser(content));
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T convertValue(Object fromValue, Class<T> type) {
    return delegate.convertValue(fromValue, type);
  }

  @Override
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    return delegate.convertValue(fromValue, type);
  }

  @Override
  public String writeValueAsString(Object value) throws IOException {
    return delegate.writeValueAsString(value);
  }

  @Override
  public byte[] writeValueAsBytes(Object value) throws IOException {
    return delegate.writeValueAsBytes(value);
  }
}
