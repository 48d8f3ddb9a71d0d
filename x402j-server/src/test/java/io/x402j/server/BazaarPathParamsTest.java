package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code pathParams} of a route template name the parameters the gate's pattern reads: {@code
 * :id} in {@code /users/:id.json} is the parameter {@code id} (the pattern prices {@code
 * /users/42.json} with {@code id} = {@code 42}), as the official server extension reads it, not a
 * parameter named {@code id.json}.
 */
class BazaarPathParamsTest {
  @Test
  void aParameterWithALiteralSuffixOrPrefixInItsSegment() {
    assertThat(RoutePattern.parse("GET /users/:id.json").matches("GET", "/users/42.json")).isTrue();
    assertThat(BazaarDiscovery.template("GET /users/:id.json")).contains("/users/:id.json");
    assertThat(RoutePattern.parse("GET /users/[id].json").matches("GET", "/users/42.json"))
        .isTrue();
    assertThat(BazaarDiscovery.template("GET /users/[id].json")).contains("/users/:id.json");

    assertThat(BazaarDiscovery.pathParams("/users/:id.json", "/users/42.json"))
        .isEqualTo(Map.of("id", "42"));
    assertThat(BazaarDiscovery.pathParams("/v/item-:sku/x", "/v/item-7/x"))
        .isEqualTo(Map.of("sku", "7"));
  }

  @Test
  void aPathThePatternWouldNotPriceHasNoParameters() {
    assertThat(BazaarDiscovery.pathParams("/users/:id.json", "/users/42.xml")).isEmpty();
    assertThat(BazaarDiscovery.pathParams("/users/:id.json", "/users/.json")).isEmpty();
    assertThat(BazaarDiscovery.pathParams("/v/item-:sku/x", "/v/thing-7/x")).isEmpty();
  }

  @Test
  void twoParametersInOneSegmentAreNotGuessed() {
    assertThat(BazaarDiscovery.pathParams("/users/:id/range/:from-:to", "/users/1/range/2-3"))
        .isEmpty();
  }
}
