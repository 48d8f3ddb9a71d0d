package io.x402j.core.facilitator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.x402j.core.ErrorReason;
import io.x402j.core.facilitator.FacilitatorException.Failure;
import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import io.x402j.core.wire.FacilitatorRequest;
import io.x402j.core.wire.SettleResponse;
import io.x402j.core.wire.SupportedResponse;
import io.x402j.core.wire.TestMessages;
import io.x402j.core.wire.VerifyResponse;
import io.x402j.core.wire.WireCodec;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpFacilitatorClientTest {
  private static final WireCodec WIRE = WireCodec.standard();

  private ScriptedServer server;
  private FacilitatorRequest request;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
    request = WIRE.decodeFacilitatorRequest(TestMessages.v2Request());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpFacilitatorClient.Builder client() {
    return HttpFacilitatorClient.builder(server.url())
        .timeout(Duration.ofSeconds(5))
        .backoff(Duration.ofMillis(10));
  }

  private static FacilitatorException failure(CompletableFuture<?> call) {
    Throwable thrown = catchThrowable(call::join);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isInstanceOf(FacilitatorException.class);
    return (FacilitatorException) thrown.getCause();
  }

  @Test
  void verifySuccessPostsTheRequestJson() {
    server.script("/verify", Answer.json(200, "{\"isValid\":true,\"payer\":\"0xpayer\"}"));

    VerifyResponse response = client().build().verify(request).join();

    assertThat(response.isValid()).isTrue();
    assertThat(response.payer()).isEqualTo("0xpayer");
    ScriptedServer.Received sent = server.received().get(0);
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.path()).isEqualTo("/verify");
    assertThat(sent.headers()).containsEntry("content-type", "application/json");
    assertThat(WIRE.decodeFacilitatorRequest(sent.body())).isEqualTo(request);
  }

  @Test
  void aSettlementAttemptTravelsInAHeaderAndTheBodyKeepsTheSpecificationsShape() {
    server.script(
        "/settle",
        Answer.json(
            200, "{\"success\":true,\"transaction\":\"0xabc\",\"network\":\"eip155:84532\"}"));

    client().build().settle(request.withSettlementId("gate-attempt-0123456789")).join();

    ScriptedServer.Received sent = server.received().get(0);
    assertThat(sent.headers()).containsEntry("x402j-settlement-id", "gate-attempt-0123456789");
    assertThat(sent.body()).doesNotContain("x402jSettlementId");
    assertThat(WIRE.decodeFacilitatorRequest(sent.body())).isEqualTo(request);
  }

  @Test
  void invalidPaymentIsAnAnswerNotAnError() {
    server.script(
        "/verify",
        Answer.json(
            200,
            "{\"isValid\":false,\"invalidReason\":\"invalid_exact_evm_signature\",\"payer\":\"0xp\"}"));

    VerifyResponse response = client().build().verify(request).join();

    assertThat(response.isValid()).isFalse();
    assertThat(response.reason()).hasValue(ErrorReason.EXACT_EVM_SIGNATURE);
  }

  @Test
  void settleFailureIsAnAnswerEvenWithAnErrorStatus() {
    server.script(
        "/settle",
        Answer.json(
            400,
            "{\"success\":false,\"errorReason\":\"invalid_exact_evm_nonce_already_used\","
                + "\"transaction\":\"\",\"network\":\"eip155:84532\"}"));

    SettleResponse response = client().build().settle(request).join();

    assertThat(response.success()).isFalse();
    assertThat(response.reason()).hasValue(ErrorReason.EXACT_EVM_NONCE_ALREADY_USED);
  }

  @Test
  void clientErrorWithoutAnAnswerIsTypedAndNotRetried() {
    server.script("/verify", Answer.json(400, "{\"error\":\"paymentPayload is required\"}"));

    FacilitatorException e = failure(client().build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.HTTP_STATUS);
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.operation()).isEqualTo(FacilitatorOperation.VERIFY);
    assertThat(e.getMessage()).contains("400").contains("paymentPayload is required");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void serverErrorIsTyped() {
    server.script(
        "/verify", new Answer(500, "<html>Internal Server Error</html>", java.util.Map.of(), 0));

    FacilitatorException e = failure(client().maxAttempts(1).build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.HTTP_STATUS);
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.getMessage()).contains("Internal Server Error");
  }

  @Test
  void verifyIsRetriedOnUnavailableThenSucceeds() {
    server.script(
        "/verify",
        Answer.json(503, "{\"error\":\"busy\"}"),
        Answer.json(200, "{\"isValid\":true}"));

    VerifyResponse response = client().build().verify(request).join();

    assertThat(response.isValid()).isTrue();
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void verifyGivesUpAfterMaxAttempts() {
    server.script("/verify", Answer.json(502, "{\"error\":\"bad gateway\"}"));

    FacilitatorException e = failure(client().maxAttempts(3).build().verify(request));

    assertThat(e.statusCode()).isEqualTo(502);
    assertThat(server.received()).hasSize(3);
  }

  @Test
  void settleIsNotRetriedWhenTheRequestMayHaveArrived() {
    server.script("/settle", Answer.json(503, "{\"error\":\"busy\"}"), Answer.json(200, "{}"));

    FacilitatorException e = failure(client().build().settle(request));

    assertThat(e.statusCode()).isEqualTo(503);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void settleRetryCanBeEnabledForDeduplicatingFacilitators() {
    server.script(
        "/settle",
        Answer.json(503, "{\"error\":\"busy\"}"),
        Answer.json(
            200, "{\"success\":true,\"transaction\":\"0xabc\",\"network\":\"eip155:84532\"}"));

    SettleResponse response = client().retrySettle(true).build().settle(request).join();

    assertThat(response.success()).isTrue();
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void supportedHonoursRetryAfter() {
    server.script(
        "/supported",
        Answer.json(429, "{\"error\":\"slow down\"}").withHeader("Retry-After", "0"),
        Answer.json(
            200,
            "{\"kinds\":[{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"eip155:84532\"}],"
                + "\"extensions\":[],\"signers\":{\"eip155:*\":[\"0xsigner\"]}}"));

    SupportedResponse supported = client().build().supported().join();

    assertThat(supported.supports(2, "exact", "eip155:84532")).isTrue();
    assertThat(server.received()).extracting(ScriptedServer.Received::method).containsOnly("GET");
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void retryAfterLongerThanTheCapIsNotWaitedFor() {
    server.script("/supported", Answer.json(429, "{}").withHeader("Retry-After", "3600"));

    FacilitatorException e = failure(client().build().supported());

    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void timeoutIsTypedAndBounded() {
    server.script("/verify", Answer.json(200, "{\"isValid\":true}").delayed(10_000));
    long start = System.nanoTime();

    FacilitatorException e =
        failure(client().timeout(Duration.ofMillis(300)).maxAttempts(1).build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
    assertThat(e.getMessage()).contains("300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void nonJsonSuccessBodyIsABadResponse() {
    server.script("/verify", new Answer(200, "OK, looks fine", java.util.Map.of(), 0));

    FacilitatorException e = failure(client().build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("OK, looks fine");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void jsonOfTheWrongShapeIsABadResponse() {
    server.script("/verify", Answer.json(200, "{\"valid\":true}"));

    FacilitatorException e = failure(client().build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("isValid");
  }

  @Test
  void oversizedBodyIsRefused() {
    server.script(
        "/verify", Answer.json(200, "{\"isValid\":true,\"pad\":\"" + "x".repeat(5000) + "\"}"));

    FacilitatorException e = failure(client().maxResponseBytes(2048).build().verify(request));

    assertThat(e.failure()).isEqualTo(Failure.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("2048");
  }

  @Test
  void unreachableFacilitatorIsTypedAndItsSecretsAreNotRepeated() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    HttpFacilitatorClient client =
        HttpFacilitatorClient.builder(
                "http://user:hunter2@127.0.0.1:" + closedPort + "/f?apikey=SECRET")
            .maxAttempts(2)
            .backoff(Duration.ofMillis(10))
            .build();

    FacilitatorException e = failure(client.settle(request));

    assertThat(e.failure()).isEqualTo(Failure.UNREACHABLE);
    assertThat(e.getMessage())
        .doesNotContain("SECRET")
        .doesNotContain("hunter2")
        .contains("127.0.0.1");
    assertThat(client.redactedUrl()).isEqualTo("http://127.0.0.1:" + closedPort + "/f?…");
  }

  @Test
  void authHeadersAreAddedPerOperation() {
    server.script("/verify", Answer.json(200, "{\"isValid\":true}"));
    server.script(
        "/settle",
        Answer.json(
            200, "{\"success\":true,\"transaction\":\"0x1\",\"network\":\"eip155:84532\"}"));
    List<FacilitatorOperation> asked = new CopyOnWriteArrayList<>();
    HttpFacilitatorClient client =
        client()
            .auth(
                op -> {
                  asked.add(op);
                  return java.util.Map.of("Authorization", "Bearer token-for-" + op.path());
                })
            .build();

    client.verify(request).join();
    client.settle(request).join();

    assertThat(asked).containsExactly(FacilitatorOperation.VERIFY, FacilitatorOperation.SETTLE);
    assertThat(server.received().get(0).headers())
        .containsEntry("authorization", "Bearer token-for-verify");
    assertThat(server.received().get(1).headers())
        .containsEntry("authorization", "Bearer token-for-settle");
  }

  @Test
  void badUrlsAreRefusedWithoutEchoingThem() {
    Throwable relative = catchThrowable(() -> HttpFacilitatorClient.builder("/verify").build());
    assertThat(relative)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");

    Throwable invalid =
        catchThrowable(() -> HttpFacilitatorClient.builder("http://host/ path?key=SECRET").build());
    assertThat(invalid)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("SECRET");
  }
}
