package io.x402j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The load generator runs end to end, briefly, so the README's command keeps working. */
class FacilitatorLoadIT {
  @Test
  void aShortRunVerifiesAndSettlesWithoutErrors() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new FacilitatorLoad());
    cli.setOut(new PrintWriter(out));

    int status =
        cli.execute(
            "--json",
            "--warmup",
            "0",
            "--duration",
            "1",
            "--settlements",
            "40",
            "--concurrency",
            "8",
            "--gas-keys",
            "2");

    assertThat(status).as(out.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().strip().split("\n")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    assertThat(lines)
        .extracting(l -> l.path("endpoint").asText())
        .containsExactly("verify", "settle");
    assertThat(lines).allSatisfy(l -> assertThat(l.path("errors").asLong()).isZero());
    assertThat(lines.get(0).path("requests").asLong()).isPositive();
    assertThat(lines.get(1).path("requests").asLong()).isEqualTo(40);
    assertThat(lines.get(1).path("p99Millis").asDouble()).isPositive();
  }

  @Test
  void badOptionsAreRefusedByName() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new FacilitatorLoad());
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("--mode", "hammer")).isEqualTo(2);
    assertThat(err.toString()).contains("--mode");
  }
}
