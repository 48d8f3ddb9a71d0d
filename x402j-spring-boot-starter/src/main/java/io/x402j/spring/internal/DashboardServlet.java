package io.x402j.spring.internal;

import io.x402j.jetty.AdminAssets;
import io.x402j.jetty.AdminRequest;
import io.x402j.jetty.AdminResponse;
import io.x402j.jetty.BasicAuthGuard;
import io.x402j.sales.SellerDashboard;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
    AdminAssets.asset("x402j.css"); // reads the assets now: a packaging error fails at start
    this.dashboard = dashboard;
    this.guard = new BasicAuthGuard("the seller dashboard", password, clock);
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    AdminAssets.SECURITY_HEADERS.forEach(response::setHeader);
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
    if (path.startsWith(AdminAssets.PATH)) {
      answer =
          AdminAssets.asset(path.substring(AdminAssets.PATH.length()))
              .orElseGet(() -> AdminResponse.text(404, "not found\n"));
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
