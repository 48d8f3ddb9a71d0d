package io.x402j.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  /** What every console response must carry, on the admin listener and in the Spring servlet. */
  static final Map<String, String> EXPECTED_HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              + "frame-ancestors 'none'",
          "Cache-Control",
          "no-store",
          "X-Frame-Options",
          "DENY",
          "X-Content-Type-Options",
          "nosniff",
          "Referrer-Policy",
          "no-referrer",
          "Cross-Origin-Resource-Policy",
          "same-origin");

  /** Each shared asset and the class path file it must be, byte for byte. */
  static final Map<String, String> ASSET_FILES =
      Map.of(
          "x402j.css", "/io/x402j/jetty/admin/x402j.css",
          "x402j.js", "/io/x402j/jetty/admin/x402j.js",
          "uPlot.iife.min.js", "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
          "uPlot.min.css", "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css");

  private AdminServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private AdminServer start(AdminServer.Builder b) {
    server =
        b.route("/", r -> AdminResponse.html("<p>home</p>"))
            .route(
                "/api/echo",
                r -> AdminResponse.json("{\"n\":" + r.intParameter("n", 1, 1, 100) + "}"))
            .route(
                "/boom",
                r -> {
                  throw new IllegalStateException("jdbc:postgresql://db?password=hunter2");
                })
            .build()
            .start();
    return server;
  }

  @Test
  void bindsLoopbackByDefaultAndServesRoutesAndAssets() throws IOException {
    start(AdminServer.builder("t"));
    assertThat(server.url()).startsWith("http://127.0.0.1:");
    Answer home = get("/", null, "127.0.0.1");
    assertThat(home.status).isEqualTo(200);
    assertThat(home.body).contains("<p>home</p>");
    assertThat(get("/api/echo?n=7", null, "localhost").body).isEqualTo("{\"n\":7}");
    Answer css = get("/assets/x402j.css", null, "127.0.0.1");
    assertThat(css.status).isEqualTo(200);
    assertThat(css.header("content-type")).startsWith("text/css");
    Answer uplot = get("/assets/uPlot.iife.min.js", null, "127.0.0.1");
    assertThat(uplot.status).isEqualTo(200);
    assertThat(uplot.body).contains("uPlot");
    assertThat(get("/assets/x402j.js", null, "127.0.0.1").body).contains("data-src");
  }

  @Test
  void refusesToBindBeyondLoopbackWithoutAPassword() {
    assertThatThrownBy(() -> AdminServer.builder("t").host("0.0.0.0").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--admin-password-env");
    assertThatThrownBy(() -> AdminServer.passwordFromEnv("X402J_ADMIN_PW", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X402J_ADMIN_PW");
    assertThatThrownBy(
            () -> AdminServer.passwordFromEnv("X402J_ADMIN_PW", Map.of("X402J_ADMIN_PW", " ")))
        .hasMessageContaining("X402J_ADMIN_PW");
    assertThat(AdminServer.isLoopback("127.0.0.1")).isTrue();
    assertThat(AdminServer.isLoopback("localhost")).isTrue();
    assertThat(AdminServer.isLoopback("0.0.0.0")).isFalse();
  }

  @Test
  void beyondLoopbackWithPasswordRequiresItOnEveryRequest() throws IOException {
    String password = AdminServer.passwordFromEnv("PW", Map.of("PW", "s3cret-passphrase"));
    start(AdminServer.builder("t").host("0.0.0.0").password(password));
    String host = "127.0.0.1";
    for (String path : List.of("/", "/assets/x402j.css", "/nothing")) {
      Answer none = get(path, null, host);
      assertThat(none.status).as(path).isEqualTo(401);
      assertThat(none.header("www-authenticate")).startsWith("Basic ");
      assertThat(none.body).doesNotContain("s3cret");
    }
    assertThat(get("/", basic("admin:wrong"), host).status).isEqualTo(401);
    assertThat(get("/", basic("admin:s3cret-pas"), host).status).isEqualTo(401);
    assertThat(get("/", basic("admin:s3cret-passphrase!"), host).status).isEqualTo(401);
    assertThat(get("/", basic("s3cret-passphrase"), host).status).isEqualTo(401);
    assertThat(get("/", "Basic %%%", host).status).isEqualTo(401);
    assertThat(get("/", "Bearer s3cret-passphrase", host).status).isEqualTo(401);
    Answer ok = get("/", basic("anyone:s3cret-passphrase"), host);
    assertThat(ok.status).isEqualTo(200);
    assertThat(ok.body).contains("home");
    // With a password the Host check is not needed (a rebinding page cannot know it).
    assertThat(get("/", basic("admin:s3cret-passphrase"), "example.com").status).isEqualTo(200);
  }

  @Test
  void guessingThePasswordIsRefusedAfterTenWrongOnesEvenWithTheRightOneUntilTheWindowEnds()
      throws IOException {
    MovableClock clock = new MovableClock();
    start(AdminServer.builder("t").host("0.0.0.0").password("s3cret-passphrase").clock(clock));
    String host = "127.0.0.1";
    // Asking without credentials is what a browser does first: never counted.
    for (int i = 0; i < 20; i++) {
      assertThat(get("/", null, host).status).isEqualTo(401);
    }
    for (int i = 0; i < BasicAuthGuard.MAX_FAILURES; i++) {
      assertThat(get("/", basic("admin:guess-" + i), host).status).isEqualTo(401);
    }
    Answer refused = get("/", basic("admin:s3cret-passphrase"), host);
    assertThat(refused.status).isEqualTo(429);
    assertThat(refused.header("retry-after")).isEqualTo("900");
    assertThat(refused.body).doesNotContain("home").doesNotContain("s3cret");
    assertThat(refused.header("content-security-policy")).isNotNull();
    assertThat(get("/assets/x402j.css", null, host).status).isEqualTo(429);

    clock.now = clock.now.plus(Duration.ofMinutes(14));
    assertThat(get("/", basic("admin:s3cret-passphrase"), host).header("retry-after"))
        .isEqualTo("60");
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    assertThat(get("/", basic("admin:s3cret-passphrase"), host).status).isEqualTo(200);
  }

  @Test
  void aShortPasswordIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> AdminServer.builder("t").password("hunter2-abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 12 characters")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> AdminServer.builder("t").password("   "))
        .hasMessageContaining("blank");
  }

  @Test
  void withoutPasswordOnlyLoopbackHostNamesAreServed() throws IOException {
    start(AdminServer.builder("t"));
    assertThat(get("/", null, "attacker.example").status).isEqualTo(421);
    assertThat(get("/", null, "attacker.example:" + server.port()).status).isEqualTo(421);
    assertThat(get("/", null, "[::1]:" + server.port()).status).isEqualTo(200);
    assertThat(get("/", null, "localhost:" + server.port()).status).isEqualTo(200);
  }

  @Test
  void everyResponseCarriesTheSecurityHeadersErrorsIncluded() throws IOException {
    start(AdminServer.builder("t"));
    List<Answer> answers =
        List.of(
            get("/", null, "127.0.0.1"),
            get("/assets/uPlot.min.css", null, "127.0.0.1"),
            get("/api/echo?n=x", null, "127.0.0.1"),
            get("/missing", null, "127.0.0.1"),
            get("/boom", null, "127.0.0.1"),
            get("/", null, "evil.example"),
            raw(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            raw("GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
            raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\nConnection: close\r\n\r\n"));
    assertThat(answers.stream().map(a -> a.status))
        .containsExactly(200, 200, 400, 404, 500, 421, 405, 400, 400);
    for (Answer a : answers) {
      EXPECTED_HEADERS.forEach(
          (name, value) -> assertThat(a.headers(name)).as(a.head).containsExactly(value));
      assertThat(a.head.toLowerCase(java.util.Locale.ROOT)).doesNotContain("server: jetty");
      assertThat(a.body).doesNotContain("Jetty").doesNotContain("at org.");
    }
    assertThat(answers.get(2).body).contains("n:").doesNotContain("x\n");
    assertThat(answers.get(4).body).doesNotContain("hunter2").doesNotContain("postgresql");
  }

  @Test
  void theAssetsAreTheClassPathFilesByteForByteReadOnceWithTheSharedHeaders() throws IOException {
    assertThat(AdminAssets.SECURITY_HEADERS).containsExactlyInAnyOrderEntriesOf(EXPECTED_HEADERS);
    start(AdminServer.builder("t"));
    for (Map.Entry<String, String> file : ASSET_FILES.entrySet()) {
      byte[] expected = resource(file.getValue());
      Answer a = get(AdminAssets.PATH + file.getKey(), null, "127.0.0.1");
      assertThat(a.status).as(file.getKey()).isEqualTo(200);
      assertThat(a.body.getBytes(StandardCharsets.UTF_8)).as(file.getKey()).isEqualTo(expected);
      assertThat(a.header("content-length")).isEqualTo(Integer.toString(expected.length));
      EXPECTED_HEADERS.forEach(
          (name, value) -> assertThat(a.headers(name)).as(name).containsExactly(value));
      // Read once: every answer serves the same bytes from memory.
      assertThat(AdminAssets.asset(file.getKey()).orElseThrow().body())
          .isSameAs(AdminAssets.asset(file.getKey()).orElseThrow().body())
          .isEqualTo(expected);
    }
    assertThat(AdminAssets.asset("../x402j.css")).isEmpty();
    assertThat(AdminAssets.asset("x402j.css.map")).isEmpty();
    assertThat(get("/assets/nothing.js", null, "127.0.0.1").status).isEqualTo(404);
  }

  static byte[] resource(String path) throws IOException {
    try (InputStream in = AdminServerTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void htmlEscapesEveryValueAndRefusesScriptLinks() {
    String evil = "<script>alert('x')</script>\"&";
    Html h = new Html();
    h.open("section", "class", evil).element("h2", evil);
    h.table(List.of("payer", evil), List.of(List.of(evil, new Html().link("/x?a=" + evil, evil))));
    h.close();
    String page = AdminPage.of("x402j " + evil, evil).nav(evil, "/").body(h).render();
    assertThat(page).doesNotContain("<script>alert").doesNotContain("'x'");
    assertThat(page).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;");
    assertThat(page).contains("<script src=\"/assets/x402j.js\"");
    assertThatThrownBy(() -> new Html().link("javascript:alert(1)", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Html().link("//evil.example/", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Html().element("a", "x", "href", "data:text/html,hi"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Html().open("div", "onclick", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Html().open("div onload=x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Html().link("https://etherscan.io/tx/0x1", "tx").toString())
        .contains("rel=\"noopener noreferrer\"");
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private Answer get(String path, String authorization, String host) throws IOException {
    return raw(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\n"
            + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
            + "Connection: close\r\n\r\n");
  }

  private Answer raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split);
      String body = split < 0 ? "" : text.substring(split + 4);
      int status = Integer.parseInt(head.substring(9, 12));
      return new Answer(status, head, body);
    }
  }

  private record Answer(int status, String head, String body) {
    List<String> headers(String name) {
      List<String> values = new java.util.ArrayList<>();
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          values.add(line.substring(colon + 1).strip());
        }
      }
      return values;
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).strip();
        }
      }
      return null;
    }
  }
}
