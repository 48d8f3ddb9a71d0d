package io.x402j.servlet.internal;

import io.x402j.server.SettlementOverride;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Holds a handler's response until its payment is settled: the status and body stay here, nothing
 * is committed, and the headers go to the real (uncommitted) response, which a refusal resets. Not
 * part of the x402j API.
 */
public final class BufferedResponse extends HttpServletResponseWrapper {
  /** Thrown when a handler writes more than the buffer may hold. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super("the response exceeds the payment buffer of " + limit + " bytes", null);
    }
  }

  private final int limit;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private int status = SC_OK;
  private String errorMessage;
  private boolean errorSent;
  private ServletOutputStream stream;
  private PrintWriter writer;
  private final List<String> overrides = new ArrayList<>();
  private Supplier<Map<String, String>> trailers;
  private Map<String, String> trailerValues;

  /** Buffers at most {@code limit} bytes of {@code response}'s body. */
  public BufferedResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  /** The status the handler set. */
  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void setStatus(int sc) {
    this.status = sc;
  }

  @Override
  public void sendError(int sc, String msg) {
    this.status = sc;
    this.errorMessage = msg;
    this.errorSent = true;
  }

  @Override
  public void sendError(int sc) {
    sendError(sc, null);
  }

  @Override
  public void sendRedirect(String location) {
    sendRedirect(location, SC_FOUND, true);
  }

  // Servlet 6.1's redirects: its wrapper passes them to the real response, which would send the
  // redirect (a signed download link, say) to the client before the payment is settled.

  @Override
  public void sendRedirect(String location, int sc) {
    sendRedirect(location, sc, true);
  }

  @Override
  public void sendRedirect(String location, boolean clearBuffer) {
    sendRedirect(location, SC_FOUND, clearBuffer);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) {
    if (clearBuffer) {
      resetBuffer();
    }
    this.status = sc;
    setHeader("Location", location);
  }

  /** Whether the handler called {@code sendError}. */
  public boolean errorSent() {
    return errorSent;
  }

  /** The message of {@code sendError}, or {@code null}. */
  public String errorMessage() {
    return errorMessage;
  }

  @Override
  public ServletOutputStream getOutputStream() {
    if (writer != null) {
      throw new IllegalStateException("getWriter() has already been called");
    }
    if (stream == null) {
      stream = new Capture();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() {
    if (stream != null && writer == null) {
      throw new IllegalStateException("getOutputStream() has already been called");
    }
    if (writer == null) {
      stream = new Capture();
      writer =
          new PrintWriter(
              new OutputStreamWriter(stream, Charset.forName(getCharacterEncoding())), false);
    }
    return writer;
  }

  // Nothing reaches the client before the payment is settled.

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush();
    }
  }

  @Override
  public boolean isCommitted() {
    return false;
  }

  @Override
  public void setContentLength(int len) {
    // the real length is set when the response is released
  }

  @Override
  public void setContentLengthLong(long len) {
    // the real length is set when the response is released
  }

  @Override
  public void setHeader(String name, String value) {
    if (SettlementOverride.HEADER.equalsIgnoreCase(name)) {
      overrides.clear();
      if (value != null) {
        overrides.add(value);
      }
    } else if (!"Content-Length".equalsIgnoreCase(name)) {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if (SettlementOverride.HEADER.equalsIgnoreCase(name)) {
      if (value != null) {
        overrides.add(value);
      }
    } else if (!"Content-Length".equalsIgnoreCase(name)) {
      super.addHeader(name, value);
    }
  }

  // The numeric and date forms of the header are captured as the text the container would send,
  // so the filter reads (and refuses) them like any other value: never passed to the payer.

  @Override
  public void setIntHeader(String name, int value) {
    if (captured(name)) {
      setHeader(name, Integer.toString(value));
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (captured(name)) {
      addHeader(name, Integer.toString(value));
    } else {
      super.addIntHeader(name, value);
    }
  }

  @Override
  public void setDateHeader(String name, long date) {
    if (captured(name)) {
      setHeader(name, httpDate(date));
    } else {
      super.setDateHeader(name, date);
    }
  }

  @Override
  public void addDateHeader(String name, long date) {
    if (captured(name)) {
      addHeader(name, httpDate(date));
    } else {
      super.addDateHeader(name, date);
    }
  }

  private static boolean captured(String name) {
    return SettlementOverride.HEADER.equalsIgnoreCase(name)
        || "Content-Length".equalsIgnoreCase(name);
  }

  private static String httpDate(long date) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.ofEpochMilli(date).atOffset(ZoneOffset.UTC));
  }

  @Override
  public String getHeader(String name) {
    if (SettlementOverride.HEADER.equalsIgnoreCase(name)) {
      return overrides.isEmpty() ? null : overrides.get(0);
    }
    return super.getHeader(name);
  }

  @Override
  public Collection<String> getHeaders(String name) {
    if (SettlementOverride.HEADER.equalsIgnoreCase(name)) {
      return List.copyOf(overrides);
    }
    return super.getHeaders(name);
  }

  @Override
  public Collection<String> getHeaderNames() {
    Collection<String> names = super.getHeaderNames();
    if (overrides.isEmpty()) {
      return names;
    }
    List<String> all = new ArrayList<>(names == null ? List.of() : names);
    all.add(SettlementOverride.HEADER);
    return all;
  }

  /**
   * Trailer fields go out after the body, after the payment is settled: the payer never gets a
   * {@value SettlementOverride#HEADER} trailer, and {@link #settlementOverrides} refuses one (it
   * must be a header). The handler's supplier is asked at most once.
   */
  @Override
  public void setTrailerFields(Supplier<Map<String, String>> supplier) {
    trailers = supplier;
    trailerValues = null;
    super.setTrailerFields(supplier == null ? null : this::trailersForPayer);
  }

  @Override
  public Supplier<Map<String, String>> getTrailerFields() {
    return trailers;
  }

  private Map<String, String> trailerValues() {
    if (trailerValues == null) {
      Map<String, String> values = trailers == null ? null : trailers.get();
      trailerValues = values == null ? Map.of() : values;
    }
    return trailerValues;
  }

  private Map<String, String> trailersForPayer() {
    Map<String, String> copy = new LinkedHashMap<>(trailerValues());
    copy.keySet().removeIf(SettlementOverride.HEADER::equalsIgnoreCase);
    return copy;
  }

  @Override
  public boolean containsHeader(String name) {
    return SettlementOverride.HEADER.equalsIgnoreCase(name)
        ? !overrides.isEmpty()
        : super.containsHeader(name);
  }

  /**
   * The {@value SettlementOverride#HEADER} the handler set, kept here and never sent to the payer,
   * or {@code null}.
   *
   * @throws IllegalArgumentException when the handler set it more than once
   */
  public String settlementOverrides() {
    if (trailers != null
        && trailerValues().keySet().stream()
            .anyMatch(SettlementOverride.HEADER::equalsIgnoreCase)) {
      throw new IllegalArgumentException(
          "the handler set "
              + SettlementOverride.HEADER
              + " as a trailer field; it must be a header");
    }
    if (overrides.size() > 1) {
      throw new IllegalArgumentException(
          "the handler set " + SettlementOverride.HEADER + " " + overrides.size() + " times");
    }
    return overrides.isEmpty() ? null : overrides.get(0);
  }

  @Override
  public void setBufferSize(int size) {
    // the body is buffered here, whatever the handler asks
  }

  @Override
  public void resetBuffer() {
    if (writer != null) {
      writer.flush(); // what it still holds would otherwise arrive after the reset
    }
    body.reset();
  }

  @Override
  public void reset() {
    super.reset();
    overrides.clear();
    trailers = null;
    trailerValues = null;
    body.reset();
    status = SC_OK;
    errorSent = false;
    errorMessage = null;
  }

  /** The body written, after flushing a writer. */
  public byte[] body() {
    if (writer != null) {
      writer.flush();
    }
    return body.toByteArray();
  }

  private final class Capture extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      ensureRoom(1);
      body.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensureRoom(len);
      body.write(b, off, len);
    }

    private void ensureRoom(int more) throws TooLargeException {
      if ((long) body.size() + more > limit) {
        throw new TooLargeException(limit);
      }
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new IllegalStateException(
          "a paid response is buffered; asynchronous writes are not supported");
    }
  }
}
