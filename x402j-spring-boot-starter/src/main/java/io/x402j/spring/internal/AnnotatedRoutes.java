package io.x402j.spring.internal;

import io.x402j.server.GateRequest;
import io.x402j.server.PaidRoute;
import io.x402j.server.RouteResolver;
import io.x402j.spring.X402Discoverable;
import io.x402j.spring.X402Price;
import io.x402j.spring.X402jProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.server.RequestPath;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * Finds the {@link X402Price} of the handler method Spring MVC would dispatch a request to. The
 * annotated methods are read, and their routes built, once at start, so a bad price fails the
 * application's start. Not part of the x402j API.
 */
public final class AnnotatedRoutes implements RouteResolver {
  private final RequestMappingHandlerMapping mapping;
  private final Map<Method, ResolvedRoute> routes;

  /**
   * Reads the annotated handlers of {@code mapping}; {@link X402Discoverable} ones declare
   * themselves for discovery, with {@code discovery}'s service metadata unless they give their own.
   *
   * @throws IllegalArgumentException naming the handler whose price, settings or discovery
   *     attributes are unusable
   */
  public AnnotatedRoutes(
      RequestMappingHandlerMapping mapping,
      RouteFactory factory,
      X402jProperties.Discovery discovery) {
    this.mapping = mapping;
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
      if (price == null) {
        if (AnnotatedElementUtils.hasAnnotation(handler.getMethod(), X402Discoverable.class)) {
          throw new IllegalArgumentException(
              "@X402Discoverable on "
                  + handler.getShortLogMessage()
                  + " ("
                  + label(e.getKey())
                  + ") needs @X402Price: only paid handlers are declared for discovery");
        }
        continue;
      }
      String label = label(e.getKey());
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
    this.routes = Map.copyOf(found);
  }

  /** How many handlers are priced. */
  public int size() {
    return routes.size();
  }

  @Override
  public Optional<ResolvedRoute> resolve(GateRequest request) {
    if (routes.isEmpty()) {
      return Optional.empty();
    }
    Optional<HttpServletRequest> servlet = request.unwrap(HttpServletRequest.class);
    if (servlet.isEmpty()) {
      return Optional.empty();
    }
    HttpServletRequest req = servlet.get();
    RequestPath previous =
        ServletRequestPathUtils.hasParsedRequestPath(req)
            ? ServletRequestPathUtils.getParsedRequestPath(req)
            : null;
    ServletRequestPathUtils.parseAndCache(req);
    try {
      HandlerExecutionChain chain = mapping.getHandler(req);
      if (chain != null && chain.getHandler() instanceof HandlerMethod handler) {
        return Optional.ofNullable(routes.get(handler.getMethod()));
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty(); // no handler would run: Spring answers the error itself
    } finally {
      if (previous == null) {
        ServletRequestPathUtils.clearParsedRequestPath(req);
      } else {
        ServletRequestPathUtils.setParsedRequestPath(previous, req);
      }
    }
  }

  private static String label(RequestMappingInfo info) {
    String methods =
        info.getMethodsCondition().getMethods().isEmpty()
            ? ""
            : info.getMethodsCondition().getMethods().iterator().next().name() + " ";
    return methods + String.join(" | ", info.getPatternValues());
  }
}
