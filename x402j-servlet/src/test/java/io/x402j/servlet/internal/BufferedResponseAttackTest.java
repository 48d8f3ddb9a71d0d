package io.x402j.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Attack: the paid-response buffer keeps {@code Settlement-Overrides} from the payer only when the
 * handler uses {@code setHeader}/{@code addHeader}. {@code setIntHeader}, {@code addIntHeader},
 * {@code setDateHeader} and {@code addDateHeader} are not overridden, so the header goes straight
 * to the real response (to the payer, before the payment is even settled) and the filter never sees
 * it: a handler writing {@code response.setIntHeader("Settlement-Overrides", 2500)} gets the whole
 * ceiling charged silently instead of a refused (malformed) amount, and the payer sees the header
 * the gate promises to strip. (The container's response is a stand-in recording calls: the point is
 * what the wrapper passes down.)
 */
class BufferedResponseAttackTest {
  @Test
  void numericAndDateSettlementOverridesNeverReachTheRealResponse() {
    List<String> passedDown = new CopyOnWriteArrayList<>();
    HttpServletResponse real =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                  if (method.getName().endsWith("Header") && args != null && args.length == 2) {
                    passedDown.add(method.getName() + " " + args[0]);
                  }
                  Class<?> r = method.getReturnType();
                  if (r == boolean.class) {
                    return false;
                  }
                  if (r == int.class) {
                    return 0;
                  }
                  if (r == String.class) {
                    return "UTF-8";
                  }
                  return null;
                });
    BufferedResponse buffered = new BufferedResponse(real, 1024);

    buffered.setIntHeader("Settlement-Overrides", 2500);
    buffered.addIntHeader("settlement-overrides", 2500);
    buffered.setDateHeader("SETTLEMENT-OVERRIDES", 0L);
    buffered.addDateHeader("Settlement-Overrides", 0L);

    assertThat(passedDown)
        .as("Settlement-Overrides passed to the container's response")
        .noneMatch(
            call -> call.toLowerCase(java.util.Locale.ROOT).contains("settlement-overrides"));
  }
}
