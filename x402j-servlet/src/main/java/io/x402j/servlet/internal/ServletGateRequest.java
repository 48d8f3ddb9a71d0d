package io.x402j.servlet.internal;

import io.x402j.server.GateRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/** A servlet request as the gate sees it. Not part of the x402j API. */
public final class ServletGateRequest implements GateRequest {
  private final HttpServletRequest request;

  /** Wraps {@code request}. */
  public ServletGateRequest(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public String method() {
    return request.getMethod().toUpperCase(java.util.Locale.ROOT);
  }

  /** The container's decoded, normalised path within the application. */
  @Override
  public String path() {
    String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
    String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
    String path = servletPath + pathInfo;
    return path.isEmpty() ? "/" : path;
  }

  @Override
  public String url() {
    String query = request.getQueryString();
    return request.getRequestURL() + (query == null ? "" : "?" + query);
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeader(name));
  }

  @Override
  public List<String> headerValues(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    return type.isInstance(request) ? Optional.of(type.cast(request)) : Optional.empty();
  }
}
