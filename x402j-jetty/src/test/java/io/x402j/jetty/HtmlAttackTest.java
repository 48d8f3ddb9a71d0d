package io.x402j.jetty;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Local links that a browser takes for another site's. */
class HtmlAttackTest {
  @Test
  void aLocalLinkCannotLeaveTheConsoleThroughABackslashOrAnIgnoredControlCharacter() {
    // Browsers read "/\evil" as "//evil" and drop tabs and line breaks from URLs, so each of
    // these is a link to evil.example although it starts with a single slash.
    for (String href :
        List.of("/\\evil.example/", "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example")) {
      assertThatThrownBy(() -> new Html().link(href, "x"))
          .as(href)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new Html().element("a", "x", "href", href))
          .as(href)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
