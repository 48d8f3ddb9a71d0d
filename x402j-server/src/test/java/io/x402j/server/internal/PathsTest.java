package io.x402j.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathsTest {
  @Test
  void normalisesLikeAServer() {
    assertThat(Paths.normalize("")).isEqualTo("/");
    assertThat(Paths.normalize("/")).isEqualTo("/");
    assertThat(Paths.normalize("/a//b/")).isEqualTo("/a/b");
    assertThat(Paths.normalize("/a/./b/../c")).isEqualTo("/a/c");
    assertThat(Paths.normalize("/../../a")).isEqualTo("/a");
    assertThat(Paths.normalize("/a;x=1/b;jsessionid=2")).isEqualTo("/a/b");
    assertThat(Paths.normalize("a/b")).isEqualTo("/a/b");
  }

  @Test
  void thePaywallEscapesWhatItEmbeds() {
    assertThat(PaywallPage.escape("<b>\"Tom\" & 'Jerry'</b>"))
        .isEqualTo("&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
    assertThat(PaywallPage.scriptSafe("{\"d\":\"</script><!--\"}"))
        .doesNotContain("<")
        .doesNotContain(">")
        .isEqualTo("{\"d\":\"\\u003c/script\\u003e\\u003c!--\"}");
  }
}
