package io.x402j.spring.internal;

import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.RouteResolver;
import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402Price;
import io.x402j.spring.X402RoutePrice;
import io.x402j.spring.X402jProperties;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.io.Resource;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Mono;

/**
 * Finds the price of the handler Spring WebFlux would dispatch a request to: an {@link X402Price}
 * on a {@code @RequestMapping} method (or its controller), or an {@link X402RoutePrice} attribute
 * on a functional route. Handlers are read, and their routes built, once at start, so a bad price
 * fails the application's start. At request time the mappings are asked in the order WebFlux's
 * dispatcher asks them (functional routes first by default), and the first that takes the request
 * decides: the annotated methods by the framework's own handler mapping, the functional routes by a
 * copy of the application's router with the same predicates whose handlers are prices (a builder's
 * filters wrap the real handler functions anew at each request, so they cannot be looked up). The
 * lookups complete at once, on the calling thread, without blocking, and write nothing to the
 * exchange. Not part of the x402j API.
 */
public final class ReactiveRoutes implements RouteResolver {
  private final RequestMappingHandlerMapping annotations;
  private final RouterFunctionMapping functions;
  private final Map<Method, ResolvedRoute> methods;

  /** Readers for the requests routed to find a price; predicates read no body. */
  private static final List<HttpMessageReader<?>> READERS =
      HandlerStrategies.withDefaults().messageReaders();

  private final RouterFunction<ServerResponse> priceRouter;
  private final int pricedFunctions;

  /**
   * Reads the priced handlers of {@code annotations} and {@code functions} (either may be null).
   *
   * @throws IllegalArgumentException naming the handler whose price is unusable
   */
  public ReactiveRoutes(
      RequestMappingHandlerMapping annotations,
      RouterFunctionMapping functions,
      RouteFactory factory,
      X402jProperties.Discovery discovery) {
    this.annotations = annotations;
    this.functions = functions;
    this.methods = annotations == null ? Map.of() : methods(annotations, factory, discovery);
    if (functions == null || functions.getRouterFunction() == null) {
      this.priceRouter = null;
      this.pricedFunctions = 0;
    } else {
      PriceRouter prices = new PriceRouter(factory);
      functions.getRouterFunction().accept(prices);
      this.priceRouter = prices.build();
      this.pricedFunctions = prices.priced;
    }
  }

  /** How many handlers are priced. */
  public int size() {
    return methods.size() + pricedFunctions;
  }

  private static Map<Method, ResolvedRoute> methods(
      RequestMappingHandlerMapping mapping,
      RouteFactory factory,
      X402jProperties.Discovery discovery) {
    Map<Method, ResolvedRoute> found = new HashMap<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
      HandlerMethod handler = e.getValue();
      X402Price price =
          Optional.ofNullable(
                  AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), X402Price.class))
              .orElseGet(
                  () ->
                      AnnotatedElementUtils.findMergedAnnotation(
                          handler.getBeanType(), X402Price.class));
      String label = label(e.getKey());
      if (price == null) {
        if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), X402Discoverable.class)) {
          throw new IllegalArgumentException(
              "@X402Discoverable on "
                  + handler.getShortLogMessage()
                  + " ("
                  + label
                  + ") needs @X402Price: only paid handlers are declared for discovery");
        }
        continue;
      }
      String where = "@X402Price on " + handler.getShortLogMessage() + " (" + label + ")";
      PaidRoute route =
          factory.route(
              where,
              price.value(),
              price.description(),
              price.mimeType(),
              price.network(),
              price.payTo(),
              price.settleBeforeHandler(),
              price.scheme());
      X402Discoverable discoverable =
          Optional.ofNullable(
                  AnnotatedElementUtils.findMergedAnnotation(
                      handler.getMethod(), X402Discoverable.class))
              .orElseGet(
                  () ->
                      AnnotatedElementUtils.findMergedAnnotation(
                          handler.getBeanType(), X402Discoverable.class));
      if (discoverable != null) {
        String at = "@X402Discoverable on " + handler.getShortLogMessage() + " (" + label + ")";
        route =
            route.toBuilder()
                .discovery(HandlerDiscovery.declaration(at, handler, discoverable))
                .service(HandlerDiscovery.service(at, discoverable, discovery))
                .build();
      }
      found.put(handler.getMethod(), new ResolvedRoute(label, route));
    }
    return Map.copyOf(found);
  }

  /**
   * A router of the same shape as the application's ({@code router}: the same predicates, nests,
   * resources and unknown router functions, in the same order) whose handlers are {@link Price}
   * markers, so that routing a request through it tells the price of the route the real router
   * picks. The real router's handler functions cannot be looked up by identity: a builder's {@code
   * filter}, {@code before}, {@code after} or {@code onError} wraps each of them in a new function
   * at every request.
   */
  private static final class PriceRouter implements RouterFunctions.Visitor {
    private final RouteFactory factory;
    private final Deque<List<RouterFunction<ServerResponse>>> levels = new ArrayDeque<>();
    private Object pending;
    private int priced;

    PriceRouter(RouteFactory factory) {
      this.factory = factory;
      levels.push(new ArrayList<>());
    }

    RouterFunction<ServerResponse> build() {
      return composed(levels.pop());
    }

    private static RouterFunction<ServerResponse> composed(
        List<RouterFunction<ServerResponse>> all) {
      return all.stream().reduce(RouterFunction::and).orElse(request -> Mono.empty());
    }

    /** {@code router}, each of whose handlers counts as free. */
    private static RouterFunction<ServerResponse> free(RouterFunction<?> router) {
      return request -> router.route(request).<HandlerFunction<ServerResponse>>map(h -> Price.FREE);
    }

    @Override
    public void startNested(RequestPredicate predicate) {
      if (pending != null) {
        throw new IllegalArgumentException(
            X402RoutePrice.ATTRIBUTE
                + " on the nested routes "
                + predicate
                + " is not supported; price each route in the nest");
      }
      levels.push(new ArrayList<>());
    }

    @Override
    public void endNested(RequestPredicate predicate) {
      pending = null;
      RouterFunction<ServerResponse> nest = composed(levels.pop());
      levels.peek().add(RouterFunctions.nest(predicate, nest));
    }

    @Override
    public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
      Object price = pending;
      pending = null;
      levels.peek().add(RouterFunctions.route(predicate, price(predicate, price)));
    }

    private Price price(RequestPredicate predicate, Object price) {
      if (price == null) {
        return Price.FREE;
      }
      String label = predicate.toString();
      String where = X402RoutePrice.ATTRIBUTE + " on the functional route " + label;
      X402RoutePrice p;
      if (price instanceof X402RoutePrice given) {
        p = given;
      } else if (price instanceof String text) {
        p = X402RoutePrice.of(text);
      } else {
        throw new IllegalArgumentException(
            where
                + " must be an X402RoutePrice or a price string, not "
                + price.getClass().getName());
      }
      PaidRoute route =
          factory.route(
              where,
              p.value(),
              p.description(),
              p.mimeType(),
              p.network(),
              p.payTo(),
              p.settleBeforeHandler(),
              p.scheme());
      priced++;
      return new Price(new ResolvedRoute(label, route));
    }

    @Override
    public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
      if (pending != null) {
        throw new IllegalArgumentException(
            X402RoutePrice.ATTRIBUTE
                + " on static resources is not supported; price a handler function");
      }
      levels.peek().add(free(RouterFunctions.resources(lookup)));
    }

    @Override
    public void attributes(Map<String, Object> attributes) {
      pending = attributes.get(X402RoutePrice.ATTRIBUTE);
    }

    @Override
    public void unknown(RouterFunction<?> routerFunction) {
      if (pending != null) {
        throw new IllegalArgumentException(
            X402RoutePrice.ATTRIBUTE
                + " on "
                + routerFunction
                + " is not supported; price a route built with RouterFunctions");
      }
      levels.peek().add(free(routerFunction));
    }
  }

  /** The price of a route in {@link PriceRouter}: a marker, never run. */
  private record Price(ResolvedRoute route) implements HandlerFunction<ServerResponse> {
    static final Price FREE = new Price(null);

    @Override
    public Mono<ServerResponse> handle(ServerRequest request) {
      return Mono.error(new IllegalStateException("a price marker is not a handler"));
    }
  }

  @Override
  public Optional<ResolvedRoute> resolve(GateRequest request) {
    if (methods.isEmpty() && pricedFunctions == 0) {
      return Optional.empty();
    }
    Optional<ServerWebExchange> found = request.unwrap(ServerWebExchange.class);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    // Lookups write matching attributes; they go to a copy, so that WebFlux's own dispatch later
    // finds the exchange as it was.
    ServerWebExchange exchange = isolated(found.get());
    // As WebFlux's DispatcherHandler does: ask the mappings in their order, and the first to name a
    // handler decides. Functional routes come before annotated methods by default.
    boolean functionsFirst =
        functions != null
            && (annotations == null || functions.getOrder() <= annotations.getOrder());
    Optional<Optional<ResolvedRoute>> decided =
        functionsFirst ? fromFunctions(exchange) : fromMethods(exchange);
    if (decided.isEmpty()) {
      decided = functionsFirst ? fromMethods(exchange) : fromFunctions(exchange);
    }
    return decided.orElse(Optional.empty());
  }

  /** The price if a functional route takes {@code exchange}, empty if none does. */
  private Optional<Optional<ResolvedRoute>> fromFunctions(ServerWebExchange exchange) {
    if (functions == null || priceRouter == null) {
      return Optional.empty();
    }
    try {
      ServerRequest request = ServerRequest.create(exchange, READERS);
      CompletableFuture<HandlerFunction<ServerResponse>> found =
          priceRouter.route(request).toFuture();
      if (!found.isDone()) {
        return Optional.empty();
      }
      if (found.isCompletedExceptionally()) {
        return Optional.of(Optional.empty()); // WebFlux stops at the error: no handler runs
      }
      HandlerFunction<ServerResponse> handler = found.getNow(null);
      return handler instanceof Price price
          ? Optional.of(Optional.ofNullable(price.route()))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(Optional.empty());
    }
  }

  /** The price if an annotated method takes {@code exchange}, empty if none does. */
  private Optional<Optional<ResolvedRoute>> fromMethods(ServerWebExchange exchange) {
    if (annotations == null) {
      return Optional.empty();
    }
    Object handler = handler(annotations, exchange);
    if (handler == null) {
      return Optional.empty();
    }
    return Optional.of(
        handler instanceof HandlerMethod method
            ? Optional.ofNullable(methods.get(method.getMethod()))
            : Optional.empty());
  }

  /** {@code exchange} with a copy of its attributes, for lookups that write some. */
  private static ServerWebExchange isolated(ServerWebExchange exchange) {
    Map<String, Object> attributes = new ConcurrentHashMap<>(exchange.getAttributes());
    return new ServerWebExchangeDecorator(exchange) {
      @Override
      public Map<String, Object> getAttributes() {
        return attributes;
      }
    };
  }

  /**
   * The handler {@code mapping} picks for {@code exchange}, or null. Both mappings look up at once
   * (their Mono completes on subscription); one that did not would count as no handler.
   */
  private static Object handler(HandlerMapping mapping, ServerWebExchange exchange) {
    try {
      CompletableFuture<Object> found = mapping.getHandler(exchange).toFuture();
      return found.isDone() && !found.isCompletedExceptionally() ? found.getNow(null) : null;
    } catch (RuntimeException e) {
      return null; // no handler would run: WebFlux answers the error itself
    }
  }

  private static String label(RequestMappingInfo info) {
    String methods =
        info.getMethodsCondition().getMethods().isEmpty()
            ? ""
            : info.getMethodsCondition().getMethods().iterator().next().name() + " ";
    return methods
        + String.join(
            " | ",
            info.getPatternsCondition().getPatterns().stream().map(Object::toString).toList());
  }
}
