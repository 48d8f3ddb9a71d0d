package io.x402j.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.server.SettlementOverride;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * How the paid-response buffer keeps the settlement amount from the payer, in every header form.
 */
class BufferedResponseTest {
  final List<String> passedDown = new CopyOnWriteArrayList<>();
  final AtomicReference<Supplier<Map<String, String>>> realTrailers = new AtomicReference<>();

  @SuppressWarnings("unchecked")
  HttpServletResponse real() {
    return (HttpServletResponse)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {HttpServletResponse.class},
            (proxy, method, args) -> {
              if (method.getName().equals("setTrailerFields")) {
                realTrailers.set((Supplier<Map<String, String>>) args[0]);
                return null;
              }
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
                return method.getName().equals("getCharacterEncoding") ? "UTF-8" : null;
              }
              if (method.getName().equals("getHeaderNames")) {
                return List.of("X-Other");
              }
              return null;
            });
  }

  @Test
  void aNumericSettlementAmountIsKeptAsTextAndThenRefusedAsMalformed() {
    BufferedResponse buffered = new BufferedResponse(real(), 1024);
    buffered.setIntHeader("Settlement-Overrides", 2500);

    assertThat(buffered.settlementOverrides()).isEqualTo("2500");
    assertThatThrownBy(() -> SettlementOverride.parseHeader(buffered.settlementOverrides()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThat(buffered.getHeader("settlement-overrides")).isEqualTo("2500");
    assertThat(buffered.getHeaders("Settlement-Overrides")).containsExactly("2500");
    assertThat(buffered.getHeaderNames()).contains("X-Other", SettlementOverride.HEADER);
    assertThat(buffered.containsHeader("SETTLEMENT-OVERRIDES")).isTrue();
  }

  @Test
  void anIntAndADateHeaderTogetherAreTwoValuesAndRefused() {
    BufferedResponse buffered = new BufferedResponse(real(), 1024);
    buffered.setDateHeader("Settlement-Overrides", 0L);
    buffered.addIntHeader("Settlement-Overrides", 1);

    assertThat(buffered.getHeaders("Settlement-Overrides"))
        .containsExactly("Thu, 1 Jan 1970 00:00:00 GMT", "1");
    assertThatThrownBy(buffered::settlementOverrides).hasMessageContaining("2 times");
  }

  @Test
  void otherNumericHeadersStillReachTheResponseButContentLengthWaits() {
    BufferedResponse buffered = new BufferedResponse(real(), 1024);
    buffered.setIntHeader("X-Count", 3);
    buffered.setDateHeader("Last-Modified", 0L);
    buffered.setIntHeader("Content-Length", 3);

    assertThat(passedDown).containsExactly("setIntHeader X-Count", "setDateHeader Last-Modified");
  }

  @Test
  void aSettlementAmountTrailerNeverReachesThePayerAndIsRefused() {
    BufferedResponse buffered = new BufferedResponse(real(), 1024);
    AtomicInteger asked = new AtomicInteger();
    buffered.setTrailerFields(
        () -> {
          asked.incrementAndGet();
          return Map.of("settlement-overrides", "{\"amount\":\"1\"}", "X-Checksum", "abc");
        });

    assertThatThrownBy(buffered::settlementOverrides)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailer");
    assertThat(realTrailers.get().get()).containsExactly(Map.entry("X-Checksum", "abc"));
    assertThat(asked).as("the handler's supplier is asked once").hasValue(1);
  }

  @Test
  void otherTrailersPassThrough() {
    BufferedResponse buffered = new BufferedResponse(real(), 1024);
    buffered.setTrailerFields(() -> Map.of("X-Checksum", "abc"));

    assertThat(buffered.settlementOverrides()).isNull();
    assertThat(realTrailers.get().get()).containsExactly(Map.entry("X-Checksum", "abc"));
  }
}
