package io.x402j.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The response to a free CORS preflight: its status and its CORS headers ({@code Access-Control-*},
 * {@code Vary}) reach the client, which is all a browser reads of a preflight; a body, cookies, a
 * redirect's {@code Location} or any other header do not. A handler that answers {@code OPTIONS} as
 * if it were {@code GET} thus gives nothing away for free. Not part of the x402j API.
 */
public final class PreflightResponse extends HttpServletResponseWrapper {
  private ServletOutputStream stream;
  private PrintWriter writer;

  /** Restricts {@code response} to what a preflight answer means. */
  public PreflightResponse(HttpServletResponse response) {
    super(response);
  }

  private static boolean passes(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("access-control-") || lower.equals("vary");
  }

  @Override
  public void setHeader(String name, String value) {
    if (passes(name)) {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, String value) {
    if (passes(name)) {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (passes(name)) {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (passes(name)) {
      super.addIntHeader(name, value);
    }
  }

  @Override
  public void setDateHeader(String name, long date) {
    if (passes(name)) {
      super.setDateHeader(name, date);
    }
  }

  @Override
  public void addDateHeader(String name, long date) {
    if (passes(name)) {
      super.addDateHeader(name, date);
    }
  }

  @Override
  public void addCookie(Cookie cookie) {
    // not part of a preflight's answer
  }

  @Override
  public void setContentType(String type) {
    // there is no body to describe
  }

  @Override
  public void setContentLength(int len) {
    // there is no body
  }

  @Override
  public void setContentLengthLong(long len) {
    // there is no body
  }

  @Override
  public void setTrailerFields(Supplier<Map<String, String>> supplier) {
    // there is no body to trail
  }

  @Override
  public void sendError(int sc, String msg) {
    setStatus(sc); // without the error page: a body
  }

  @Override
  public void sendError(int sc) {
    setStatus(sc);
  }

  @Override
  public void sendRedirect(String location) {
    setStatus(SC_FOUND); // without the Location
  }

  @Override
  public void sendRedirect(String location, int sc) {
    setStatus(sc);
  }

  @Override
  public void sendRedirect(String location, boolean clearBuffer) {
    setStatus(SC_FOUND);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) {
    setStatus(sc);
  }

  @Override
  public ServletOutputStream getOutputStream() {
    if (writer != null) {
      throw new IllegalStateException("getWriter() has already been called");
    }
    if (stream == null) {
      stream = new Discard();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() {
    if (stream != null && writer == null) {
      throw new IllegalStateException("getOutputStream() has already been called");
    }
    if (writer == null) {
      stream = new Discard();
      writer = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), false);
    }
    return writer;
  }

  /** Takes a body and keeps none of it. */
  private static final class Discard extends ServletOutputStream {
    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        listener.onWritePossible();
      } catch (java.io.IOException e) {
        listener.onError(e);
      }
    }
  }
}
