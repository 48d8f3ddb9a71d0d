package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Spring-style variable ({@code {id}}) in a route pattern is no parameter of {@link
 * RoutePattern}: it would match only the literal text {@code /users/{id}}, so {@code /users/42}
 * would be served free. Such a pattern (in {@code x402j.routes}, the gateway's YAML or code) is
 * refused with a message saying how to write the parameter.
 */
class RoutePatternBracesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /users/{id}",
        "/users/{id}/posts",
        "GET /users/{id:\\d+}",
        "GET /files/{*path}",
        "GET /a}"
      })
  void aBraceInAPatternIsRefusedNamingTheParameterSyntax(String pattern) {
    assertThatThrownBy(() -> RoutePattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pattern.strip())
        .hasMessageContaining(":name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /users/{id}", "GET /users/{id}/posts"})
  void aRouteTableRefusesItToo(String pattern) {
    assertThatThrownBy(
            () ->
                RouteTable.builder()
                    .route(
                        pattern,
                        PaidRoute.of(
                            "$0.01",
                            io.x402j.core.Network.evm(84532),
                            "0x857b06519E91e3A54538791bDbb0E22373e36b66")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{id}");
  }
}
