package io.x402j.server.internal;

import io.x402j.server.GateRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A {@link GateRequest} of plain values. Not part of the x402j API. */
public final class SimpleGateRequest implements GateRequest {
  private final String method;
  private final String path;
  private final String url;
  private final Map<String, List<String>> headers;

  /**
   * Copies the values; header names compare case-insensitively (the values of names spelt in
   * several cases are kept, in the map's order).
   */
  public SimpleGateRequest(
      String method, String path, String url, Map<String, List<String>> headers) {
    this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
    this.path = Objects.requireNonNull(path, "path");
    this.url = Objects.requireNonNull(url, "url");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (k, v) ->
            copy.merge(
                k, List.copyOf(v), (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
    this.headers = copy;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public Optional<String> header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public List<String> headerValues(String name) {
    List<String> values = headers.get(name);
    return values == null ? List.of() : values;
  }
}
