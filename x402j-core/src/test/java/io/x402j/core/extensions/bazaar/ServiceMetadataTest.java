package io.x402j.core.extensions.bazaar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's soft-drop rules for {@code serviceName}, {@code tags} and {@code iconUrl}. */
class ServiceMetadataTest {
  @Test
  void validMetadataIsKeptAsGiven() {
    ServiceMetadata.Sanitized s =
        ServiceMetadata.sanitize(
            "Example Weather", List.of("weather", "forecast"), "https://api.example.com/icon.png");

    assertThat(s.dropped()).isEmpty();
    assertThat(s.metadata().toResourceFields())
        .isEqualTo(
            Map.of(
                "serviceName", "Example Weather",
                "tags", List.of("weather", "forecast"),
                "iconUrl", "https://api.example.com/icon.png"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a name that is much longer than thirty-two characters",
        "Café",
        "tab\there",
        "new\nline",
        "\u0000"
      })
  void anInvalidServiceNameIsDroppedAndTheRestKept(String name) {
    ServiceMetadata.Sanitized s =
        ServiceMetadata.sanitize(name, List.of("ok"), "https://icons.example/x.png");

    assertThat(s.metadata().serviceName()).isNull();
    assertThat(s.metadata().tags()).containsExactly("ok");
    assertThat(s.metadata().iconUrl()).isEqualTo("https://icons.example/x.png");
    assertThat(s.dropped()).singleElement().asString().startsWith("serviceName");
    assertThat(s.dropped().get(0)).doesNotContain(name.isEmpty() ? "\u0001" : name);
  }

  @Test
  void tagsAreDedupedIgnoringCaseTruncatedToFiveAndInvalidOnesDropped() {
    List<Object> tags = new ArrayList<>();
    tags.add("Weather");
    tags.add("weather");
    tags.add("x".repeat(33));
    tags.add("");
    tags.add("météo");
    tags.add(7);
    tags.add("a");
    tags.add("b");
    tags.add("c");
    tags.add("d");
    tags.add("e");

    ServiceMetadata.Sanitized s = ServiceMetadata.sanitize(null, tags, null);

    assertThat(s.metadata().tags()).containsExactly("Weather", "a", "b", "c", "d");
    assertThat(s.dropped()).singleElement().asString().contains("kept 5 of 11");
    assertThat(ServiceMetadata.sanitize(null, "weather", null).dropped())
        .containsExactly("tags: not a list");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://icons.example/a.png",
        "http://icons.example:8080/a.png",
        "https://b\u00fccher.example/icon.png",
        "https://xn--bcher-kva.example/icon.png",
        "https://cdn.example./icon.png",
        "https://1.2.3.example/icon.png"
      })
  void iconUrlsNamingAHostAreValid(String url) {
    assertThat(ServiceMetadata.isValidIconUrl(url)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://icons.example/a.png",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "//icons.example/a.png",
        "/a.png",
        "https://user:pass@icons.example/a.png",
        "https://user@icons.example/a.png",
        "https://@icons.example/a.png",
        "https://127.0.0.1/a.png",
        "https://10.0.0.1:8443/a.png",
        "https://[::1]/a.png",
        "https://[fe80::1%25eth0]/a.png",
        "https://2130706433/a.png",
        "https://0x7f000001/a.png",
        "https://127.1/a.png",
        "https://localhost/a.png",
        "https://LOCALHOST./a.png",
        "https://localhost.localdomain/a.png",
        "https://ip6-localhost/a.png",
        "https://%6c%6f%63%61%6c%68%6f%73%74/a.png", // "localhost", percent-encoded
        "https://%31%32%37.0.0.1/a.png", // "127.0.0.1", percent-encoded
        "https://%zz.example/a.png",
        "https://icons.example/a\u0000.png",
        "https://icons.example/a\n.png",
        "https:///a.png",
        ""
      })
  void iconUrlsThatAreNotAPublicHttpHostAreDropped(String url) {
    assertThat(ServiceMetadata.isValidIconUrl(url)).isFalse();
    ServiceMetadata.Sanitized s = ServiceMetadata.sanitize("Name", null, url);
    assertThat(s.metadata().iconUrl()).isNull();
    assertThat(s.metadata().serviceName()).isEqualTo("Name");
    assertThat(s.dropped()).singleElement().asString().startsWith("iconUrl");
  }

  @Test
  void anOverLongIconUrlIsDropped() {
    String url = "https://icons.example/" + "a".repeat(2048);
    assertThat(ServiceMetadata.isValidIconUrl(url)).isFalse();
  }

  @Test
  void theConstructorRefusesWhatSanitizeWouldDrop() {
    assertThatThrownBy(() -> new ServiceMetadata("x".repeat(33), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serviceName");
    assertThatThrownBy(() -> new ServiceMetadata(null, List.of("a", "A"), null))
        .hasMessageContaining("tags");
    assertThatThrownBy(() -> new ServiceMetadata(null, null, "https://127.0.0.1/"))
        .hasMessageContaining("iconUrl");
    assertThat(ServiceMetadata.NONE.isEmpty()).isTrue();
    assertThat(ServiceMetadata.fromResourceFields(Map.of("tags", List.of("t"))).metadata().tags())
        .containsExactly("t");
  }
}
