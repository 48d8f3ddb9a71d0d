package io.x402j.facilitator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Attacks on what a paying client's declaration can make the catalog do. */
class CatalogAttackTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PAYER = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
  static final String SELLER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

  @Test
  void anAnyOfOverManyValuesIsRefusedBeforeItRuns() throws Exception {
    // Inside every other bound (under 4,000 values each side, depth 4, no $ref): 3,900 strings,
    // each checked against 1,900 failing anyOf branches, made 7.4 million error records (82 s and
    // 2.4 GB on the catalog worker) before the work bound.
    StringBuilder info = new StringBuilder("{\"input\":{\"type\":\"http\"},\"x\":[");
    for (int i = 0; i < 3_900; i++) {
      info.append(i == 0 ? "\"s\"" : ",\"s\"");
    }
    info.append("]}");
    StringBuilder schema = new StringBuilder("{\"properties\":{\"x\":{\"items\":{\"anyOf\":[");
    for (int i = 0; i < 1_900; i++) {
      schema.append(i == 0 ? "" : ",").append("{\"type\":\"number\"}");
    }
    schema.append("]}}}}");
    long start = System.nanoTime();
    assertThat(
            new BoundedSchemaValidator()
                .check(JSON.readTree(schema.toString()), JSON.readTree(info.toString())))
        .get()
        .asString()
        .contains("validation budget");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anOrdinaryDeclarationStillFitsTheWorkBound() throws Exception {
    StringBuilder info = new StringBuilder("{\"input\":{\"type\":\"http\",\"method\":\"GET\"},");
    info.append("\"output\":{\"type\":\"json\",\"example\":{\"rows\":[");
    for (int i = 0; i < 200; i++) {
      info.append(i == 0 ? "" : ",").append("{\"t\":\"2026-01-01\",\"v\":" + i + "}");
    }
    info.append("]}}}");
    StringBuilder props = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      props.append(i == 0 ? "" : ",").append("\"p" + i + "\":{\"type\":\"string\"}");
    }
    String schema =
        "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"object\",\"properties\":{"
            + props
            + "}},\"output\":{\"type\":\"object\"}},\"required\":[\"input\"]}";
    assertThat(
            new BoundedSchemaValidator()
                .check(JSON.readTree(schema), JSON.readTree(info.toString())))
        .isEmpty();
  }

  @Test
  void pathsAreKeyedInRfc3986NormalForm() {
    assertThat(BazaarExtraction.canonicalPath("/a/../b")).isEqualTo("/b");
    assertThat(BazaarExtraction.canonicalPath("/./b")).isEqualTo("/b");
    assertThat(BazaarExtraction.canonicalPath("/%2e%2e/b")).isEqualTo("/b");
    assertThat(BazaarExtraction.canonicalPath("/%62%7e")).isEqualTo("/b~");
    assertThat(BazaarExtraction.canonicalPath("/a%2fb%3a")).isEqualTo("/a%2Fb%3A");
    assertThat(BazaarExtraction.canonicalPath("/a/..")).isEqualTo("/");
    assertThat(BazaarExtraction.canonicalPath("/b/")).isEqualTo("/b/");
    assertThat(BazaarExtraction.canonicalPath("/users/:id")).isEqualTo("/users/:id");
  }

  @Test
  void anIconUrlOnALoopbackHostSpelledAnotherWayIsDropped() {
    for (String url :
        List.of(
            "https://127.1/i.png",
            "https://0x7f.1/i.png",
            "https://0177.0.0.1./i.png",
            "https://localhost./i.png",
            "https://a.b.0x7f000001/i.png",
            "https://10.1.2.3./i.png")) {
      assertThat(BazaarExtraction.iconUrl(url)).as(url).isNull();
    }
    assertThat(BazaarExtraction.iconUrl("https://cdn1.example.com/i.png")).isNotNull();
    assertThat(BazaarExtraction.iconUrl("https://cdn.example.com./i.png")).isNotNull();
  }
}
