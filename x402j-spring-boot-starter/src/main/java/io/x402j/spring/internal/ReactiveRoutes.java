package io.x402j.spring.internal;

import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.RouteResolver;
import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402Price;
import io.x402j.spring.X402RoutePrice;
import io.x402j.spring.X402jProperties;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.io.Resource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds the price of the handler Spring WebFlux would dispatch a request to: an {@link X402Price}
 * on a {@code @RequestMapping} method (or its controller), or an {@link X402RoutePrice} attribute
 * on a functional route. Handlers are read, and their routes built, once at start, so a bad price
 * fails the application's start. At request time the framework's own handler mappings pick the
 * handler; their lookups complete at once, on the calling thread, without blocking. A lookup has
 * the side effects a dispatch has (exchange attributes; for a handler with a CORS configuration,
 * its CORS headers on the response, so a 402 carries them too); the dispatch that follows sets the
 * same again. Not part of the x402j API.
 */
public final class ReactiveRoutes implements RouteResolver {
  private final RequestMappingHandlerMapping annotations;
  private final RouterFunctionMapping functions;
  private final Map<Method, ResolvedRoute> methods;
  private final Map<HandlerFunction<?>, ResolvedRoute> handlerFunctions;

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
    this.handlerFunctions =
        functions == null || functions.getRouterFunction() == null
            ? Map.of()
            : handlerFunctions(functions.getRouterFunction(), factory);
  }

  /** How many handlers are priced. */
  public int size() {
    return methods.size() + handlerFunctions.size();
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

  private static Map<HandlerFunction<?>, ResolvedRoute> handlerFunctions(
      RouterFunction<?> router, RouteFactory factory) {
    Map<HandlerFunction<?>, ResolvedRoute> found = new IdentityHashMap<>();
    Map<HandlerFunction<?>, Object> prices = new IdentityHashMap<>();
    router.accept(
        new RouterFunctions.Visitor() {
          private Object pending;

          @Override
          public void startNested(RequestPredicate predicate) {
            pending = null;
          }

          @Override
          public void endNested(RequestPredicate predicate) {
            pending = null;
          }

          @Override
          public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            Object price = pending;
            pending = null;
            if (price == null) {
              return;
            }
            String label = predicate.toString();
            String where = X402RoutePrice.ATTRIBUTE + " on the functional route " + label;
            Object earlier = prices.putIfAbsent(handler, price);
            if (earlier != null && !earlier.equals(price)) {
              throw new IllegalArgumentException(
                  where
                      + ": its handler function is priced on another route too, differently;"
                      + " give each route its own handler function");
            }
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
            found.putIfAbsent(handler, new ResolvedRoute(label, route));
          }

          @Override
          public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
            if (pending != null) {
              throw new IllegalArgumentException(
                  X402RoutePrice.ATTRIBUTE
                      + " on static resources is not supported; price a handler function");
            }
          }

          @Override
          public void attributes(Map<String, Object> attributes) {
            pending = attributes.get(X402RoutePrice.ATTRIBUTE);
          }

          @Override
          public void unknown(RouterFunction<?> routerFunction) {
            pending = null;
          }
        });
    return found;
  }

  @Override
  public Optional<ResolvedRoute> resolve(GateRequest request) {
    if (methods.isEmpty() && handlerFunctions.isEmpty()) {
      return Optional.empty();
    }
    Optional<ServerWebExchange> exchange = request.unwrap(ServerWebExchange.class);
    if (exchange.isEmpty()) {
      return Optional.empty();
    }
    if (!methods.isEmpty()) {
      Object handler = handler(annotations, exchange.get());
      if (handler instanceof HandlerMethod method) {
        return Optional.ofNullable(methods.get(method.getMethod()));
      }
    }
    if (!handlerFunctions.isEmpty()) {
      Object handler = handler(functions, exchange.get());
      if (handler instanceof HandlerFunction<?> function) {
        return Optional.ofNullable(handlerFunctions.get(function));
      }
    }
    return Optional.empty();
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
