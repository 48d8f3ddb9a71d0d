package io.x402j.webflux.internal;

import io.x402j.server.GateRequest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.web.server.ServerWebExchange;

/**
 * A WebFlux exchange as the gate sees it. Its path is the decoded path within the application, read
 * by {@link io.x402j.server.RequestPath} (the filter refuses paths it calls ambiguous before one of
 * these is made). Not part of the x402j API.
 */
public final class WebFluxGateRequest implements GateRequest {
  private final ServerWebExchange exchange;
  private final String path;

  /**
   * Wraps {@code exchange}.
   *
   * @param path the decoded path within the application
   */
  public WebFluxGateRequest(ServerWebExchange exchange, String path) {
    this.exchange = exchange;
    this.path = path;
  }

  @Override
  public String method() {
    return exchange.getRequest().getMethod().name().toUpperCase(Locale.ROOT);
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String url() {
    return exchange.getRequest().getURI().toString();
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequest().getHeaders().getFirst(name));
  }

  @Override
  public List<String> headerValues(String name) {
    List<String> values = exchange.getRequest().getHeaders().get(name);
    return values == null ? List.of() : List.copyOf(values);
  }

  @Override
  public <T> Optional<T> unwrap(Class<T> type) {
    if (type.isInstance(exchange)) {
      return Optional.of(type.cast(exchange));
    }
    if (type.isInstance(exchange.getRequest())) {
      return Optional.of(type.cast(exchange.getRequest()));
    }
    return Optional.empty();
  }
}
