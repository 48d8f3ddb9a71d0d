package io.x402j.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.x402j.core.testing.ScriptedServer;
import io.x402j.core.testing.ScriptedServer.Answer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A hostile facilitator's answers, as the buyer's discovery client reads them. */
class DiscoveryHostileTest {
  private ScriptedServer server;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DiscoveryClient client() {
    return DiscoveryClient.builder(server.url()).timeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void aBodyWithTerminalEscapesNeverPutsThemInTheMessage() {
    // "ESC c" resets the terminal x402j discover prints the message on; the JSON parser's
    // "Unrecognized token 'x<ESC>c'" repeated it raw.
    for (String body :
        List.of(
            "x\u001bc",
            "\u001b]52;c;ZWNobyBoaQ==\u0007",
            "{\"x402Version\":\"\\u001bc\",\"items\":[]}",
            "{\"x\u001b[31m\":1")) {
      server.script("/discovery/resources", Answer.json(200, body));
      Throwable thrown = catchThrowable(() -> client().list(DiscoveryFilter.none(), 0, 0).join());
      assertThat(thrown.getCause()).isInstanceOf(DiscoveryException.class);
      assertThat(thrown.getCause().getMessage())
          .as(body)
          .doesNotContain("\u001b")
          .doesNotContain("\u0007");
    }
  }

  @Test
  void anEntryWhoseResourceIsNoHttpUrlIsSkippedWithItsReason() {
    server.script(
        "/discovery/resources",
        Answer.json(
            200,
            DiscoveryClientTest.page(
                List.of(
                    DiscoveryClientTest.item("javascript:alert(1)"),
                    DiscoveryClientTest.item("file:///etc/passwd"),
                    DiscoveryClientTest.item("https://user@ok.example/x"),
                    DiscoveryClientTest.item("https://ok.example/x")),
                20,
                0,
                4)));

    ResourcePage page = client().list(DiscoveryFilter.none(), 0, 0).join();

    assertThat(page.items())
        .extracting(DiscoveredResource::resource)
        .containsExactly("https://ok.example/x");
    assertThat(page.skipped()).hasSize(3);
    assertThat(page.skipped().get(0)).contains("items[0]", "http(s) URL");
  }
}
