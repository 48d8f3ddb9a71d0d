package io.x402j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RawHttpTest {
  HttpServer server;
  final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
  RawHttp raw;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
          byte[] answer = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(
              exchange.getRequestURI().getPath().equals("/") ? 200 : 404, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
    raw = new RawHttp("127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void getAnswersTheStatusLine() throws Exception {
    assertThat(raw.get("/")).isEqualTo("HTTP/1.1 200 OK");
    assertThat(raw.get("/missing")).startsWith("HTTP/1.1 404");
  }

  @Test
  void postSendsTheBodyWithItsLengthAndExtraHeaders() throws Exception {
    byte[] request = raw.post("/", "{\"a\":1}", "X-Test: yes\r\n");
    String text = new String(request, StandardCharsets.ISO_8859_1);

    String whole = raw.exchangeWhole(request);

    assertThat(text).startsWith("POST / HTTP/1.1\r\n").contains("Content-Length: 7\r\n");
    assertThat(text).contains("X-Test: yes\r\n").endsWith("\r\n\r\n{\"a\":1}");
    assertThat(whole).startsWith("HTTP/1.1 200").endsWith("hello");
    assertThat(seen.take()).isEqualTo("POST / {\"a\":1}");
  }

  @Test
  void sendsBytesAsTheyAre() throws Exception {
    String status =
        raw.exchange(
            "GET /%2e%2e/x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(status).startsWith("HTTP/1.1 404");
    assertThat(seen.take()).startsWith("GET /%2e%2e/x ");
  }

  @Test
  void unfinishedRequestsStayOpen() throws Exception {
    List<Socket> sockets = raw.unfinishedRequests(2);
    try {
      assertThat(sockets).hasSize(2).allSatisfy(s -> assertThat(s.isClosed()).isFalse());
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
