package io.x402j.core.extensions.bazaar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's {@code routeTemplate} rules, with the hostile inputs a catalog must not accept. */
class RouteTemplateTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/users/:userId",
        "/weather/:country/:city",
        "/a.b/c-d/e_f/~g",
        "/caf%C3%A9/:id",
        "/" + "x"
      })
  void ordinaryTemplatesAreValid(String template) {
    assertThat(RouteTemplate.isValid(template)).isTrue();
    assertThat(RouteTemplate.require(template)).isEqualTo(template);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "users/:id",
        "/users/../admin",
        "/users/%2e%2e/admin",
        "/users/%2E%2E/admin",
        "/users/%252e%252e/admin", // decoded twice
        "/users/%25252e%25252e/admin", // decoded three times
        "/x/http://evil.example",
        "/x/http%3A%2F%2Fevil.example",
        "/x/http%253A%252F%252Fevil.example",
        "/users/%zz",
        "/users/%",
        "/users/%c3", // a lone UTF-8 lead byte
        "/users/%ff",
        "/users/{id}",
        "/users/[id]",
        "/users/*",
        "/a b",
        "/a?b=1",
        "/a#b",
        "/é"
      })
  void hostileOrMalformedTemplatesAreNot(String template) {
    assertThat(RouteTemplate.isValid(template)).isFalse();
    assertThatThrownBy(() -> RouteTemplate.require(template))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routeTemplate");
  }

  @Test
  void aTemplateThatNeverStopsDecodingIsNotValid() {
    // Six levels of encoding of "." : more passes than the spec allows.
    assertThat(RouteTemplate.isValid("/a/%252525252e")).isFalse();
    assertThat(RouteTemplate.isValid(null)).isFalse();
  }
}
