package io.x402j.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Paid routes by {@link RoutePattern}; the first pattern that matches a request wins. Immutable.
 *
 * <pre>{@code
 * RouteTable routes = RouteTable.builder()
 *     .route("GET /weather", PaidRoute.of("$0.001", Network.evm(84532), seller))
 *     .route("/premium/*", premium)
 *     .build();
 * }</pre>
 */
public final class RouteTable implements RouteResolver {
  private final List<Entry> entries;

  private record Entry(RoutePattern pattern, PaidRoute route) {}

  private RouteTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Starts an empty table. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<ResolvedRoute> resolve(GateRequest request) {
    for (Entry e : entries) {
      if (e.pattern().matches(request.method(), request.path())) {
        return Optional.of(new ResolvedRoute(e.pattern().toString(), e.route()));
      }
    }
    return Optional.empty();
  }

  /** The routes, in matching order. */
  public List<PaidRoute> routes() {
    return entries.stream().map(Entry::route).toList();
  }

  /** The patterns, in matching order. */
  public List<String> patterns() {
    return entries.stream().map(e -> e.pattern().toString()).toList();
  }

  /** Builds a {@link RouteTable}. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a route.
     *
     * @throws IllegalArgumentException quoting a pattern that does not parse
     */
    public Builder route(String pattern, PaidRoute route) {
      entries.add(new Entry(RoutePattern.parse(pattern), Objects.requireNonNull(route, "route")));
      return this;
    }

    /** The table. */
    public RouteTable build() {
      return new RouteTable(entries);
    }
  }
}
