package io.x402j.spring.internal;

import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.AdminServer;
import io.x402j.jetty.BasicAuthGuard;
import io.x402j.sales.SellerDashboard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seller dashboard on a Spring application's port: the same pages and the same security headers
 * as on the admin listener, every request behind the password (HTTP Basic, compared in constant
 * time, guessing throttled by {@link BasicAuthGuard}), only GET and HEAD. Not part of the x402j
 * API.
 */
public final class DashboardServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServlet.class);

  private static final Map<String, String[]> ASSETS =
      Map.of(
          "x402j.css", new String[] {"/io/x402j/jetty/admin/x402j.css", "text/css; charset=utf-8"},
          "x402j.js",
              new String[] {"/io/x402j/jetty/admin/x402j.js", "text/javascript; charset=utf-8"},
          "uPlot.iife.min.js",
              new String[] {
                "/META-INF/resources/webjars/uplot/"
                    + AdminServer.UPLOT_VERSION
                    + "/dist/uPlot.iife.min.js",
                "text/javascript; charset=utf-8"
              },
          "uPlot.min.css",
              new String[] {
                "/META-INF/resources/webjars/uplot/"
                    + AdminServer.UPLOT_VERSION
                    + "/dist/uPlot.min.css",
                "text/css; charset=utf-8"
              });

  private final transient SellerDashboard dashboard;
  private final transient BasicAuthGuard guard;

  /** Serves {@code dashboard} to whoever knows {@code password}. */
  public DashboardServlet(SellerDashboard dashboard, String password) {
    this(dashboard, password, Clock.systemUTC());
  }

  /** Like {@link #DashboardServlet(SellerDashboard, String)}, the guard timed by {@code clock}. */
  public DashboardServlet(SellerDashboard dashboard, String password, Clock clock) {
    if (password == null || password.isBlank()) {
      throw new IllegalArgumentException("the dashboard needs a password");
    }
    this.dashboard = dashboard;
    this.guard = new BasicAuthGuard("the seller dashboard", password, clock);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Content-Security-Policy", AdminServer.CSP);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    boolean head = "HEAD".equals(request.getMethod());
    BasicAuthGuard.Verdict verdict =
        guard.check(request.getRemoteAddr(), request.getHeader("Authorization"));
    if (verdict.outcome() == BasicAuthGuard.Outcome.THROTTLED) {
      response.setHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
      send(response, AdminResponse.text(429, "too many wrong passwords; try again later\n"), head);
      return;
    }
    if (!verdict.allowed()) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"x402j dashboard\", charset=\"UTF-8\"");
      send(response, AdminResponse.text(401, "password required\n"), head);
      return;
    }
    if (!"GET".equals(request.getMethod()) && !head) {
      response.setHeader("Allow", "GET, HEAD");
      send(response, AdminResponse.text(405, "only GET and HEAD\n"), false);
      return;
    }
    String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
    AdminResponse answer;
    if (path.startsWith(AdminServer.ASSETS)) {
      answer = asset(path.substring(AdminServer.ASSETS.length()));
    } else if (SellerDashboard.PATHS.contains(path)) {
      try {
        answer = dashboard.handle(new AdminRequest(path, parameters(request)));
      } catch (AdminRequest.BadParameter e) {
        answer = AdminResponse.text(400, "bad parameter " + e.getMessage() + "\n");
      } catch (RuntimeException e) {
        LOG.warn("dashboard page {} failed: {}", path, e.getClass().getName());
        answer = AdminResponse.text(500, "this page failed; see the server log\n");
      }
    } else {
      answer = AdminResponse.text(404, "not found\n");
    }
    send(response, answer, head);
  }

  private static Map<String, List<String>> parameters(HttpServletRequest request) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    request.getParameterMap().forEach((k, v) -> out.put(k, new ArrayList<>(List.of(v))));
    return out;
  }

  private static AdminResponse asset(String name) throws IOException {
    String[] spec = ASSETS.get(name);
    if (spec == null) {
      return AdminResponse.text(404, "not found\n");
    }
    try (InputStream in = AdminServer.class.getResourceAsStream(spec[0])) {
      if (in == null) {
        return AdminResponse.text(404, "not found\n");
      }
      return new AdminResponse(200, spec[1], in.readAllBytes());
    }
  }

  private static void send(HttpServletResponse response, AdminResponse answer, boolean head)
      throws IOException {
    response.setStatus(answer.status());
    response.setContentType(answer.contentType());
    response.setContentLength(answer.body().length);
    if (!head) {
      response.getOutputStream().write(answer.body());
    }
  }
}
