package io.x402j.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** One spelling per host, so a budget cannot be dodged by writing its host another way. */
class HostsTest {
  @Test
  void spellingsOfOneHostAreOne() {
    assertThat(Hosts.canonical("API.Example.com")).isEqualTo("api.example.com");
    assertThat(Hosts.canonical("api.example.com.")).isEqualTo("api.example.com");
    assertThat(Hosts.canonical("bücher.example")).isEqualTo("xn--bcher-kva.example");
    assertThat(Hosts.canonical("BÜCHER.example")).isEqualTo("xn--bcher-kva.example");
    assertThat(Hosts.canonical("ｅｘａｍｐｌｅ。com")).as("full-width").isEqualTo("example.com");
    assertThat(Hosts.canonical("[::1]")).isEqualTo("[0:0:0:0:0:0:0:1]");
    assertThat(Hosts.canonical("[0:0:0:0:0:0:0:1]")).isEqualTo("[0:0:0:0:0:0:0:1]");
    assertThat(Hosts.canonical("127.0.0.1")).isEqualTo("127.0.0.1");
  }

  @Test
  void everySpellingOfAnIpv4AddressIsFourDecimalBytes() {
    for (String spelling :
        java.util.List.of(
            "127.0.0.1", "127.1", "127.0.1", "2130706433", "127.0.0.1.", "127.0.0.01")) {
      assertThat(Hosts.canonical(spelling)).as(spelling).isEqualTo("127.0.0.1");
    }
    assertThat(Hosts.canonical("0177.0.0.1"))
        .as("leading zeros are decimal")
        .isEqualTo("177.0.0.1");
    assertThat(Hosts.canonical("example.com")).isEqualTo("example.com");
    assertThat(Hosts.canonical("1e100.net")).isEqualTo("1e100.net");
    assertThat(Hosts.canonical("0x7f.1")).as("no literal: a name").isEqualTo("0x7f.1");
    assertThat(Hosts.canonical("256.1.1.1")).as("no literal: a name").isEqualTo("256.1.1.1");
  }

  @Test
  void theHostOfAUrlWhateverItsPort() {
    assertThat(Hosts.of(URI.create("https://API.example.com:443/x"))).isEqualTo("api.example.com");
    assertThat(Hosts.of(URI.create("http://api.example.com.:8080/x"))).isEqualTo("api.example.com");
    assertThat(Hosts.of(URI.create("https://bücher.example/x"))).isEqualTo("xn--bcher-kva.example");
    assertThat(Hosts.of(URI.create("https://user@bücher.example:8443/x")))
        .isEqualTo("xn--bcher-kva.example");
    assertThat(Hosts.of(URI.create("http://[::1]:8080/x"))).isEqualTo("[0:0:0:0:0:0:0:1]");
  }

  @Test
  void whatIsNotAHostIsRefusedClearly() {
    assertThatThrownBy(() -> Hosts.canonical("api.example.com:8080"))
        .hasMessageContaining("without scheme, port or path");
    assertThatThrownBy(() -> Hosts.canonical("https://api.example.com"))
        .hasMessageContaining("without scheme, port or path");
    assertThatThrownBy(() -> Hosts.canonical("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Hosts.canonical("a b.example"))
        .hasMessageContaining("not a valid host name");
    assertThatThrownBy(() -> Hosts.canonical("[not-v6]")).hasMessageContaining("not an IPv6");
    assertThatThrownBy(() -> Hosts.of(URI.create("mailto:someone@example.com")))
        .hasMessageContaining("names no host");
  }
}
