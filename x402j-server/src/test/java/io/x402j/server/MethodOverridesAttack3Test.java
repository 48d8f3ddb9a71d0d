package io.x402j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Found by the third attack review, now refused: spellings of a method override that upstream
 * frameworks read as {@code _method} ({@link MethodOverrides#find} missed them before).
 */
class MethodOverridesAttack3Test {
  private static boolean found(String query, String contentType, String body) {
    return MethodOverrides.find(
            name -> null, query, contentType, body.getBytes(StandardCharsets.UTF_8))
        .isPresent();
  }

  /**
   * Rack (Rails' Rack::MethodOverride) parses a POST body without Content-Type as a form
   * (Rack::Request#form_data? is true for a POST with no media type), so {@code _method=PUT} in an
   * untyped body runs the paid PUT; the gateway only looks at typed form bodies.
   */
  @Test
  void aFormBodyWithoutContentTypeIsAnOverride() {
    assertThat(found(null, null, "_method=PUT")).isTrue();
  }

  /**
   * PHP rewrites {@code .} and an unclosed {@code [} in parameter names to {@code _} when it fills
   * $_GET and $_POST, so Symfony and Laravel read {@code .method=PUT} and {@code [method=PUT} as
   * {@code _method=PUT}.
   */
  @Test
  void phpMangledNamesAreOverrides() {
    assertThat(found(".method=PUT", null, "")).as("query .method").isTrue();
    assertThat(found("[method=PUT", null, "")).as("query [method").isTrue();
    assertThat(found("%2Emethod=PUT", null, "")).as("query %2Emethod").isTrue();
    assertThat(found(null, "application/x-www-form-urlencoded", ".method=PUT"))
        .as("form .method")
        .isTrue();
  }

  /**
   * Multipart parsers (PHP's among them) take a part name unquoted or in single quotes; the gateway
   * only looks for {@code name="_method"}.
   */
  @Test
  void multipartNamesSpeltOtherwiseAreOverrides() {
    for (String disposition :
        new String[] {
          "form-data; name=_method", "form-data; name='_method'", "form-data; name = \"_method\""
        }) {
      String body = "--b\r\nContent-Disposition: " + disposition + "\r\n\r\nPUT\r\n--b--\r\n";
      assertThat(found(null, "multipart/form-data; boundary=b", body)).as(disposition).isTrue();
    }
  }

  /**
   * Jackson refuses a number longer than its default limit of 1000 digits and the gateway then
   * treats the body as "not JSON the server could read"; PHP's json_decode (Laravel merges JSON
   * into its input, _method included) reads it as a float and honours the _method after it.
   */
  @Test
  void aJsonBodyJacksonRefusesButPhpReadsIsStillChecked() {
    String body = "{\"n\":" + "1".repeat(1200) + ",\"_method\":\"PUT\"}";
    assertThat(found(null, "application/json", body)).isTrue();
  }

  @Test
  void ordinaryRequestsAreNoOverride() {
    assertThat(found(null, "application/json", "{\"method\":\"card\",\"payment_method\":\"x\"}"))
        .isFalse();
    assertThat(found("sort=method&page_method=2", null, "")).isFalse();
    assertThat(found(null, "application/x-www-form-urlencoded", "_methods=1&x=methodical"))
        .isFalse();
    assertThat(found(null, "application/json", "{\"n\":" + "1".repeat(1200) + "}")).isFalse();
  }
}
