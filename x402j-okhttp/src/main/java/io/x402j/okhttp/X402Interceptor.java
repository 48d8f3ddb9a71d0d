package io.x402j.okhttp;

import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.core.X402Exception;
import io.x402j.core.wire.SettleResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Pays 402 answers in OkHttp, with the same rules as {@code X402Client}: at most one payment and
 * one paid retry per call, no payment for a request that already carries one, no retry of a paid
 * request whatever its answer. Register it as an application interceptor:
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *     .addInterceptor(X402Interceptor.of(payer))
 *     .build();
 * Response r = http.newCall(request).execute();
 * X402Interceptor.payment(r).ifPresent(p -> log.info("paid {}", p.describe()));
 * }</pre>
 *
 * A refused payment fails the call with {@link PaymentRefusedIOException}. Request bodies marked
 * one-shot cannot be sent twice and are not paid for.
 */
public final class X402Interceptor implements Interceptor {
  private final Payer payer;
  private final boolean dryRun;
  private final long max402Bytes;

  private X402Interceptor(Payer payer, boolean dryRun, long max402Bytes) {
    this.payer = Objects.requireNonNull(payer, "payer");
    this.dryRun = dryRun;
    this.max402Bytes = max402Bytes;
  }

  /** An interceptor paying with {@code payer}. */
  public static X402Interceptor of(Payer payer) {
    return new X402Interceptor(payer, false, 1024 * 1024);
  }

  /**
   * An interceptor that only reports what it would pay: the 402 is returned, and {@link
   * #payment(Response)} gives the planned payment. Nothing is signed or spent.
   */
  public static X402Interceptor dryRun(Payer payer) {
    return new X402Interceptor(payer, true, 1024 * 1024);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    if (request.header("PAYMENT-SIGNATURE") != null || request.header("X-PAYMENT") != null) {
      return chain.proceed(request);
    }
    if (request.body() != null && request.body().isOneShot()) {
      return chain.proceed(request);
    }
    Response answer = chain.proceed(request);
    if (answer.code() != 402) {
      return answer;
    }
    PaymentChallenge challenge =
        new PaymentChallenge(
            request.url().uri(),
            answer.headers().toMultimap(),
            answer.peekBody(max402Bytes).bytes());
    if (dryRun) {
      try {
        PlannedPayment plan = payer.plan(challenge);
        return answer
            .newBuilder()
            .request(request.newBuilder().tag(PlannedPayment.class, plan).build())
            .build();
      } catch (PaymentRefusedException e) {
        answer.close();
        throw new PaymentRefusedIOException(e);
      } catch (X402Exception e) {
        return answer;
      }
    }
    PaymentAuthorization authorization;
    try {
      authorization = payer.authorize(challenge);
    } catch (PaymentRefusedException e) {
      answer.close();
      throw new PaymentRefusedIOException(e);
    } catch (X402Exception e) {
      return answer; // a 402 without x402 requirements: not ours to pay
    }
    answer.close();
    Request paid =
        request
            .newBuilder()
            .header(authorization.headerName(), authorization.headerValue())
            .tag(PlannedPayment.class, authorization.payment())
            .build();
    Response response = chain.proceed(paid);
    payer.paid(authorization.payment(), response.code(), receipt(response).orElse(null));
    return response;
  }

  /** What was paid for the call that produced {@code response} (or would be, in a dry run). */
  public static Optional<PlannedPayment> payment(Response response) {
    return Optional.ofNullable(response.request().tag(PlannedPayment.class));
  }

  /** The settlement receipt {@code response} carries, if any. */
  public static Optional<SettleResponse> receipt(Response response) {
    return Payer.receipt(name -> Optional.ofNullable(response.header(name)));
  }
}
