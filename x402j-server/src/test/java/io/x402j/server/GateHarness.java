package io.x402j.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A minimal adapter for tests: runs a handler behind a gate the way the real adapters do. */
final class GateHarness {
  /** What the client receives. */
  record Served(int status, Map<String, String> headers, String body) {
    String header(String name) {
      for (Map.Entry<String, String> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue();
        }
      }
      return null;
    }
  }

  /** A handler's answer. */
  record Answer(int status, String body) {}

  final PaymentGate gate;
  final AtomicInteger handled = new AtomicInteger();

  GateHarness(PaymentGate gate) {
    this.gate = gate;
  }

  static GateRequest get(String path, Map<String, String> headers) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return GateRequest.of("GET", path, "http://127.0.0.1:8080" + path, h);
  }

  Served serve(GateRequest request, Answer answer) {
    GateDecision decision = gate.check(request).join();
    if (decision instanceof GateDecision.Free) {
      handled.incrementAndGet();
      return new Served(answer.status(), Map.of(), answer.body());
    }
    if (decision instanceof GateDecision.Respond respond) {
      return fromGate(respond.response());
    }
    Admission admission = ((GateDecision.Admit) decision).admission();
    handled.incrementAndGet();
    return finish(admission, answer);
  }

  static Served finish(Admission admission, Answer answer) {
    Completion completion = admission.complete(answer.status()).join();
    if (completion instanceof Completion.Release release) {
      Map<String, String> headers = new LinkedHashMap<>(release.headers());
      String cache = release.cacheControl(null);
      if (cache != null) {
        headers.put("Cache-Control", cache);
      }
      return new Served(answer.status(), headers, answer.body());
    }
    return fromGate(((Completion.Refuse) completion).response());
  }

  static Served fromGate(GateResponse response) {
    return new Served(
        response.status(), response.headers(), new String(response.body(), StandardCharsets.UTF_8));
  }
}
