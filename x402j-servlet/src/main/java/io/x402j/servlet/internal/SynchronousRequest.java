package io.x402j.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The request as a paid handler (or a free CORS preflight) sees it: asynchronous processing is
 * refused. {@code startAsync()} would bind the container's own response, not the filter's buffer,
 * so whatever the handler wrote there would reach the client before settlement — or, for a
 * preflight, past the filter that lets only CORS headers through. Not part of the x402j API.
 */
public final class SynchronousRequest extends HttpServletRequestWrapper {
  private static final String REFUSED =
      "asynchronous handlers cannot run behind the x402j payment filter on a paid route";

  /** Wraps {@code request}. */
  public SynchronousRequest(HttpServletRequest request) {
    super(request);
  }

  @Override
  public boolean isAsyncSupported() {
    return false;
  }

  @Override
  public AsyncContext startAsync() {
    throw new IllegalStateException(REFUSED);
  }

  @Override
  public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
    throw new IllegalStateException(REFUSED);
  }
}
