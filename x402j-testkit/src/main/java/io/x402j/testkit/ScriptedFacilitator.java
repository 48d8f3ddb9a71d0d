package io.x402j.testkit;

import io.x402j.core.Network;
import io.x402j.core.facilitator.FacilitatorOperation;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.MalformedMessageException;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedKind;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.VerifyRequest;
import io.x402j.core.wire.VerifyRequestV1;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import io.x402j.jetty.JettyServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A facilitator on the loopback whose answers the test scripts, as OkHttp's {@code MockWebServer}
 * is for HTTP: for testing a resource server's handling of verification and settlement without a
 * chain. It serves {@code POST /verify}, {@code POST /settle} and {@code GET /supported}, answers
 * each call with the next answer enqueued for it, or, when none is, with its {@link Dispatcher} (by
 * default {@link Dispatcher#accepting()}: every payment valid and settled), and records every
 * request for {@link #takeRequest()}. Bodies of both protocol versions are accepted and recorded as
 * they came.
 *
 * <pre>{@code
 * try (ScriptedFacilitator facilitator = ScriptedFacilitator.start()) {
 *   facilitator.enqueueSettle(
 *       SettleResponse.failure(ErrorReason.INSUFFICIENT_FUNDS, null, "", "eip155:84532", null));
 *   PaymentGate gate = PaymentGate.builder()
 *       .facilitator(HttpFacilitatorClient.builder(facilitator.url()).build())
 *       ...
 *   // send a paid request through the gate, then:
 *   assertThat(facilitator.takeRequest().operation()).isEqualTo(FacilitatorOperation.VERIFY);
 *   assertThat(facilitator.takeRequest().v2().paymentRequirements().payTo()).isEqualTo(SELLER);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Nothing is verified: the facilitator answers what it is told, so a test of what a
 * real facilitator accepts belongs on a {@link TestMarket}.
 */
public final class ScriptedFacilitator implements AutoCloseable {
  /** How long {@link #takeRequest()} waits for a request. */
  public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Answers a request for which no answer was enqueued. Called on the server's request thread; it
   * may block (to hold an answer until the test releases it), and must be thread-safe.
   */
  @FunctionalInterface
  public interface Dispatcher {
    /** The answer to {@code request}. */
    ScriptedAnswer dispatch(RecordedFacilitatorRequest request);

    /**
     * A facilitator that accepts everything: {@code /verify} answers valid, {@code /settle} answers
     * success with a new transaction hash each time, both naming the payer as the {@code
     * authorization.from} of an exact payment (or none); {@code /supported} lists the exact scheme
     * on Base Sepolia and Base in both protocol versions. A body that is not an x402 request gets a
     * 400 saying why.
     */
    static Dispatcher accepting() {
      AtomicLong transactions = new AtomicLong();
      return request -> {
        if (request.operation() == null) {
          return ScriptedAnswer.json(404, "{\"error\":\"not a facilitator path\"}");
        }
        if (request.operation() == FacilitatorOperation.SUPPORTED) {
          return ScriptedAnswer.supported(DEFAULT_SUPPORTED);
        }
        FacilitatorRequest parsed;
        try {
          parsed = request.facilitatorRequest();
        } catch (MalformedMessageException e) {
          return ScriptedAnswer.json(
              400, WireCodec.standard().toJson(Map.of("error", String.valueOf(e.getMessage()))));
        }
        String payer = payer(parsed);
        if (request.operation() == FacilitatorOperation.VERIFY) {
          return ScriptedAnswer.verify(VerifyResponse.valid(payer));
        }
        String transaction = String.format(Locale.ROOT, "0x%064x", transactions.incrementAndGet());
        return ScriptedAnswer.settle(SettleResponse.success(transaction, network(parsed), payer));
      };
    }
  }

  /** What {@link Dispatcher#accepting()} answers to {@code GET /supported}. */
  public static final SupportedResponse DEFAULT_SUPPORTED =
      new SupportedResponse(
          List.of(
              SupportedKind.of(2, "exact", Network.evm(84532).toString()),
              SupportedKind.of(2, "exact", Network.evm(8453).toString()),
              SupportedKind.of(1, "exact", "base-sepolia"),
              SupportedKind.of(1, "exact", "base")),
          List.of(),
          Map.of(),
          Map.of());

  private final JettyServer server;
  private final Map<FacilitatorOperation, Queue<ScriptedAnswer>> queues =
      new EnumMap<>(FacilitatorOperation.class);
  private final BlockingQueue<RecordedFacilitatorRequest> received = new LinkedBlockingQueue<>();
  private final AtomicLong requestCount = new AtomicLong();
  private volatile Dispatcher dispatcher = Dispatcher.accepting();

  private ScriptedFacilitator() {
    for (FacilitatorOperation op : FacilitatorOperation.values()) {
      queues.put(op, new ConcurrentLinkedQueue<>());
    }
    server =
        JettyServer.builder("scripted-facilitator", new Answering())
            .stopTimeout(Duration.ZERO)
            .build()
            .start();
  }

  /** Starts a scripted facilitator on a free port of 127.0.0.1. */
  public static ScriptedFacilitator start() {
    return new ScriptedFacilitator();
  }

  /** The base URL, {@code http://127.0.0.1:<port>}, for {@code HttpFacilitatorClient.builder}. */
  public String url() {
    return server.url();
  }

  /** Answers the next {@code /verify} that has no earlier answer enqueued with {@code answer}. */
  public ScriptedFacilitator enqueueVerify(VerifyResponse answer) {
    return enqueue(FacilitatorOperation.VERIFY, ScriptedAnswer.verify(answer));
  }

  /** Answers the next {@code /settle} that has no earlier answer enqueued with {@code answer}. */
  public ScriptedFacilitator enqueueSettle(SettleResponse answer) {
    return enqueue(FacilitatorOperation.SETTLE, ScriptedAnswer.settle(answer));
  }

  /**
   * Answers the next call of {@code operation} that has no earlier answer enqueued with {@code
   * answer}, which may be any status and body.
   */
  public ScriptedFacilitator enqueue(FacilitatorOperation operation, ScriptedAnswer answer) {
    queues.get(Objects.requireNonNull(operation, "operation")).add(answer);
    return this;
  }

  /** Answers calls with nothing enqueued through {@code dispatcher} from now on. */
  public ScriptedFacilitator dispatcher(Dispatcher dispatcher) {
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    return this;
  }

  /**
   * The oldest request not yet taken, waiting up to {@link #DEFAULT_TAKE_TIMEOUT} for one.
   *
   * @throws IllegalStateException when none arrives in time
   */
  public RecordedFacilitatorRequest takeRequest() throws InterruptedException {
    return takeRequest(DEFAULT_TAKE_TIMEOUT);
  }

  /**
   * The oldest request not yet taken, waiting up to {@code timeout} for one.
   *
   * @throws IllegalStateException when none arrives in time
   */
  public RecordedFacilitatorRequest takeRequest(Duration timeout) throws InterruptedException {
    RecordedFacilitatorRequest request = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (request == null) {
      throw new IllegalStateException(
          "the scripted facilitator received no request within " + timeout);
    }
    return request;
  }

  /** How many requests arrived so far, taken or not. */
  public long requestCount() {
    return requestCount.get();
  }

  /** Stops the server at once; requests in flight are cut off. */
  @Override
  public void close() {
    server.close();
  }

  private ScriptedAnswer answer(RecordedFacilitatorRequest request) {
    if (request.operation() != null) {
      ScriptedAnswer next = queues.get(request.operation()).poll();
      if (next != null) {
        return next;
      }
    }
    return dispatcher.dispatch(request);
  }

  private static FacilitatorOperation operation(String method, String path) {
    for (FacilitatorOperation op : FacilitatorOperation.values()) {
      String expected = op == FacilitatorOperation.SUPPORTED ? "GET" : "POST";
      if (path.equals("/" + op.path()) && method.equals(expected)) {
        return op;
      }
    }
    return null;
  }

  /** The {@code authorization.from} of an exact payload, when there is one. */
  private static String payer(FacilitatorRequest request) {
    Map<String, Object> payload =
        request instanceof VerifyRequest v2
            ? v2.paymentPayload().payload()
            : ((VerifyRequestV1) request).paymentPayload().payload();
    return payload.get("authorization") instanceof Map<?, ?> authorization
            && authorization.get("from") instanceof String from
        ? from
        : null;
  }

  /** The network as the request's version names it: CAIP-2 for v2, the v1 name for v1. */
  private static String network(FacilitatorRequest request) {
    return request instanceof VerifyRequest v2
        ? v2.paymentRequirements().network().toString()
        : ((VerifyRequestV1) request).paymentRequirements().network();
  }

  /** Records each request, then answers it. */
  private final class Answering extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      for (HttpField field : request.getHeaders()) {
        headers.put(field.getName().toLowerCase(Locale.ROOT), field.getValue());
      }
      String path = Request.getPathInContext(request);
      RecordedFacilitatorRequest recorded =
          new RecordedFacilitatorRequest(
              operation(request.getMethod(), path), request.getMethod(), path, headers, body);
      requestCount.incrementAndGet();
      received.add(recorded);
      ScriptedAnswer answer = answer(recorded);
      response.setStatus(answer.status());
      answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
      response.write(
          true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }
}
