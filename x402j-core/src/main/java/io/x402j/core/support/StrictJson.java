package io.x402j.core.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The Jackson setup every x402j codec uses for untrusted JSON: duplicate keys, trailing content,
 * deep nesting and huge numbers are refused before any x402 logic sees the document. Each codec
 * creates its own instance; nothing here is global or mutable.
 */
public final class StrictJson {
  /** Nesting deeper than this is refused (x402 messages are shallow; extensions add a little). */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Numbers longer than this are refused; uint256 needs 78 digits and amounts are strings. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private final ObjectMapper mapper;

  /** Creates a strict mapper whose string values are limited to {@code maxStringLength}. */
  public StrictJson(int maxStringLength) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(maxStringLength)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(new BoundedDecimals())
            .build();
  }

  /**
   * Parses one JSON document.
   *
   * @throws IOException with Jackson's description when the text is not a single valid document
   *     within the limits
   */
  public JsonNode parse(String text) throws IOException {
    try {
      return mapper.readTree(text);
    } catch (NumberFormatException | ArithmeticException e) {
      // Jackson lets these through for numbers it cannot represent, such as a huge exponent.
      throw new IOException("a number cannot be read: " + e.getMessage(), e);
    } catch (ExponentTooLarge e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Refuses decimals that, written out in plain digits as echoed fields are, would be longer than
   * {@link #MAX_NUMBER_LENGTH}: {@code 1e999999999} is short to send but a billion digits long, and
   * what x402j writes it must be able to read back.
   */
  private static final class BoundedDecimals extends JsonNodeFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public ValueNode numberNode(BigDecimal value) {
      if (value != null) {
        long scale = value.scale();
        long digits =
            scale <= 0 ? value.precision() - scale : Math.max(value.precision(), scale + 1);
        if (digits > MAX_NUMBER_LENGTH) {
          throw new ExponentTooLarge(value.scale());
        }
      }
      return super.numberNode(value);
    }
  }

  private static final class ExponentTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExponentTooLarge(int scale) {
      super(
          "a number with a decimal exponent of "
              + (-(long) scale)
              + " would have more than "
              + MAX_NUMBER_LENGTH
              + " digits written out");
    }
  }

  /** Writes a document with the callback and returns its UTF-8 bytes. */
  public byte[] write(JsonWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator out = mapper.createGenerator(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      // Writing to memory cannot fail for I/O reasons; anything here is a bug.
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Streams one JSON document. */
  @FunctionalInterface
  public interface JsonWriter {
    /** Writes the document. */
    void write(JsonGenerator out) throws IOException;
  }
}
