package io.x402j.core.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An embedded Jetty server on 127.0.0.1 whose answers per path are scripted by the test, and which
 * records every request it receives.
 */
public final class ScriptedServer implements AutoCloseable {
  /** One scripted answer. */
  public record Answer(int status, String body, Map<String, String> headers, long delayMillis) {
    /** A JSON answer. */
    public static Answer json(int status, String body) {
      return new Answer(status, body, Map.of("Content-Type", "application/json"), 0);
    }

    /** The answer with one more header. */
    public Answer withHeader(String name, String value) {
      Map<String, String> copy = new java.util.LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Answer(status, body, copy, delayMillis);
    }

    /** The answer sent only after {@code millis} (or when the server closes). */
    public Answer delayed(long millis) {
      return new Answer(status, body, headers, millis);
    }
  }

  /** A request as received; {@code query} is the raw query string, or {@code null}. */
  public record Received(
      String method, String path, Map<String, String> headers, String body, String query) {}

  private final Server server;
  private final Map<String, List<Answer>> script = new ConcurrentHashMap<>();
  private final Map<String, Function<Received, Answer>> responders = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  /** Starts the server on a free port of 127.0.0.1. */
  public ScriptedServer() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
              headers.put(field.getName().toLowerCase(java.util.Locale.ROOT), field.getValue());
            }
            String path = Request.getPathInContext(request);
            Received got =
                new Received(
                    request.getMethod(), path, headers, body, request.getHttpURI().getQuery());
            received.add(got);
            List<Answer> answers = script.get(path);
            Function<Received, Answer> responder = responders.get(path);
            Answer answer;
            if (responder != null) {
              answer = responder.apply(got);
            } else if (answers == null || answers.isEmpty()) {
              answer = Answer.json(404, "{\"error\":\"no script for " + path + "\"}");
            } else {
              answer = answers.size() > 1 ? answers.remove(0) : answers.get(0);
            }
            if (answer.delayMillis() > 0) {
              release.await(answer.delayMillis(), TimeUnit.MILLISECONDS);
            }
            response.setStatus(answer.status());
            answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.write(
                true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
          }
        });
    server.start();
  }

  /** Answers requests to {@code path} with these answers in turn, repeating the last. */
  public void script(String path, Answer... answers) {
    script.put(path, new CopyOnWriteArrayList<>(List.of(answers)));
  }

  /** Answers requests to {@code path} with what {@code responder} makes of the request body. */
  public void respond(String path, Function<String, Answer> responder) {
    responders.put(path, got -> responder.apply(got.body()));
  }

  /** Answers requests to {@code path} with what {@code responder} makes of the whole request. */
  public void respondTo(String path, Function<Received, Answer> responder) {
    responders.put(path, responder);
  }

  /** The server's base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Every request received so far. */
  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    release.countDown();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the test server failed", e);
    }
  }
}
