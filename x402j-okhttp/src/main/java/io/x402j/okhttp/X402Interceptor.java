package io.x402j.okhttp;

import io.x402j.client.Payer;
import io.x402j.client.PaymentAuthorization;
import io.x402j.client.PaymentChallenge;
import io.x402j.client.PaymentRefusedException;
import io.x402j.client.PlannedPayment;
import io.x402j.client.SignInAuthorization;
import io.x402j.core.X402Exception;
import io.x402j.core.extensions.siwx.SignInWithX;
import io.x402j.core.wire.PaymentHeader;
import io.x402j.core.wire.SettleResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Pays 402 answers in OkHttp, with the same rules as {@code X402Client}: at most one payment and
 * one paid retry per call, no payment for a request that already carries one, no retry of a paid
 * request whatever its answer. Install it with {@link #addTo}, which registers it twice:
 *
 * <pre>{@code
 * OkHttpClient http = X402Interceptor.of(payer).addTo(new OkHttpClient.Builder()).build();
 * Response r = http.newCall(request).execute();
 * X402Interceptor.payment(r).ifPresent(p -> log.info("paid {}", p.describe()));
 * }</pre>
 *
 * As an application interceptor it pays; as a network interceptor it removes the payment header
 * from any request that goes to another origin (scheme, host and port) than the one the payment was
 * made for, so a redirect cannot carry a payment to another server. OkHttp itself re-sends custom
 * headers to wherever a redirect points. On a client that follows redirects, the interceptor
 * therefore refuses to pay unless it is installed in both places; with {@code
 * followRedirects(false)} the application interceptor alone is enough.
 *
 * <p>When the payer's {@code SignInChoice} allows it and the 402 offers sign-in-with-x, the
 * interceptor first sends the request again with a {@code SIGN-IN-WITH-X} header (never to another
 * origin either); only if that is answered 402 again does it pay, as {@code X402Client} does.
 *
 * <p>The 402 is paid for the URL that answered it, after redirects: that host's budget is spent,
 * and the paid request goes there. A refused payment fails the call with {@link
 * PaymentRefusedIOException}. Request bodies marked one-shot cannot be sent twice and are not paid
 * for.
 */
public final class X402Interceptor implements Interceptor {
  private static final List<String> PAYMENT_HEADERS =
      List.of(
          PaymentHeader.PAYMENT_SIGNATURE.headerName(),
          PaymentHeader.X_PAYMENT.headerName(),
          SignInWithX.HEADER);

  private final Payer payer;
  private final boolean dryRun;
  private final long max402Bytes;

  /** The origin a payment was made for; requests elsewhere lose the payment header. */
  private record PaidOrigin(String scheme, String host, int port) {
    static PaidOrigin of(HttpUrl url) {
      return new PaidOrigin(url.scheme(), url.host(), url.port());
    }

    boolean matches(HttpUrl url) {
      return scheme.equals(url.scheme()) && host.equals(url.host()) && port == url.port();
    }
  }

  /** Set by the network side when it sees a call's request: tells that it is installed. */
  private static final class Guarded {
    volatile boolean seen;
  }

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

  /**
   * Registers this interceptor on {@code builder} as an application interceptor (it pays) and as a
   * network interceptor (it keeps the payment from following a redirect to another origin).
   */
  public OkHttpClient.Builder addTo(OkHttpClient.Builder builder) {
    return builder.addInterceptor(this).addNetworkInterceptor(this);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    if (chain.connection() != null) {
      return guard(chain);
    }
    Request request = chain.request();
    if (request.header(SignInWithX.HEADER) != null && request.tag(PaidOrigin.class) == null) {
      // Signed in by the caller: the proof is kept to its origin like a payment.
      request = request.newBuilder().tag(PaidOrigin.class, PaidOrigin.of(request.url())).build();
    }
    if (request.header(PaymentHeader.PAYMENT_SIGNATURE.headerName()) != null
        || request.header(PaymentHeader.X_PAYMENT.headerName()) != null) {
      // Paid by the caller: sent as it is, but kept to its origin like our own payments.
      return chain.proceed(
          request.newBuilder().tag(PaidOrigin.class, PaidOrigin.of(request.url())).build());
    }
    if (request.body() != null && request.body().isOneShot()) {
      return chain.proceed(request);
    }
    Guarded guarded = new Guarded();
    Response answer = chain.proceed(request.newBuilder().tag(Guarded.class, guarded).build());
    if (answer.code() != 402) {
      return answer;
    }
    // After redirects, the request that was answered 402: its URL is paid and sent the payment,
    // with the method and body OkHttp used for it.
    Request.Builder answeredBuilder = answer.request().newBuilder().tag(Guarded.class, null);
    PaidOrigin callers = request.tag(PaidOrigin.class);
    if (callers != null && !callers.matches(answer.request().url())) {
      // OkHttp hands back the caller's headers here: its sign-in is for the origin it named.
      answeredBuilder.removeHeader(SignInWithX.HEADER);
    }
    Request answered = answeredBuilder.build();
    PaymentChallenge challenge =
        new PaymentChallenge(
            answered.url().uri(),
            answer.headers().toMultimap(),
            answer.peekBody(max402Bytes).bytes());
    if (dryRun) {
      try {
        PlannedPayment plan = payer.plan(challenge);
        return answer
            .newBuilder()
            .request(answered.newBuilder().tag(PlannedPayment.class, plan).build())
            .build();
      } catch (PaymentRefusedException e) {
        answer.close();
        throw new PaymentRefusedIOException(e);
      } catch (X402Exception e) {
        return answer;
      }
    }
    if (chain.getFollowRedirects() && !guarded.seen) {
      answer.close();
      throw new PaymentRefusedIOException(
          new PaymentRefusedException(
              answered.url().toString(),
              List.of(
                  "this OkHttpClient follows redirects, which would carry the payment to whatever"
                      + " server a redirect names; install the interceptor with"
                      + " X402Interceptor.addTo(builder), or set followRedirects(false)")));
    }
    // The 402 handed back if the payment cannot be made: the first, or the refused sign-in's.
    Response unpaid = answer;
    Optional<SignInAuthorization> signIn = payer.signIn(challenge);
    if (signIn.isPresent()) {
      // Sign in first (the payer's SignInChoice allows it for this server); a server that does not
      // admit the wallet answers 402 again, and the first 402's requirements are then paid.
      answer.close();
      Response second =
          chain.proceed(
              answered
                  .newBuilder()
                  .header(signIn.get().headerName(), signIn.get().headerValue())
                  .tag(PaidOrigin.class, PaidOrigin.of(answered.url()))
                  .build());
      if (second.code() != 402) {
        return second;
      }
      unpaid = second;
    }
    PaymentAuthorization authorization;
    try {
      authorization = payer.authorize(challenge);
    } catch (PaymentRefusedException e) {
      unpaid.close();
      throw new PaymentRefusedIOException(e);
    } catch (X402Exception e) {
      return unpaid; // a 402 without x402 requirements: not ours to pay
    }
    unpaid.close();
    Request paid =
        answered
            .newBuilder()
            .header(authorization.headerName(), authorization.headerValue())
            .tag(PlannedPayment.class, authorization.payment())
            .tag(PaidOrigin.class, PaidOrigin.of(answered.url()))
            .build();
    Response response = chain.proceed(paid);
    // Lowers an upto reserve to what the receipt says was charged when the chain confirms it.
    payer.paid(authorization, response.code(), receipt(response).orElse(null));
    return response;
  }

  /** The network side: a payment goes to its own origin only. */
  private static Response guard(Chain chain) throws IOException {
    Request request = chain.request();
    Guarded guarded = request.tag(Guarded.class);
    if (guarded != null) {
      guarded.seen = true;
    }
    PaidOrigin origin = request.tag(PaidOrigin.class);
    if (origin == null || origin.matches(request.url())) {
      return chain.proceed(request);
    }
    Request.Builder stripped = request.newBuilder();
    PAYMENT_HEADERS.forEach(stripped::removeHeader);
    return chain.proceed(stripped.build());
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
