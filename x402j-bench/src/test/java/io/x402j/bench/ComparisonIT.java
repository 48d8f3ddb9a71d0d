package io.x402j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The comparison with the official facilitator runs end to end, briefly, so that {@code compare.sh}
 * keeps working: every x402j row is free of errors, and so is the official verify, on EVM and on
 * Solana.
 */
class ComparisonIT {
  @Test
  void aShortComparisonPrintsTheTable() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Comparison());
    cli.setOut(new PrintWriter(out));

    int status =
        cli.execute(
            "--node-project",
            "../x402j-interop/src/test/node",
            "--svm-node-project",
            "src/node",
            "--warmup",
            "0",
            "--duration",
            "1",
            "--concurrency",
            "4",
            "--settlements",
            "6",
            "--one-at-a-time",
            "2",
            // Few payments to sign (Ed25519 on a C1-only test JVM is slow) and few gateway
            // round trips (each paid one settles to a receipt): the table, not the numbers.
            "--payments",
            "64",
            "--gateway-requests",
            "10");

    assertThat(status).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("Verify: x402j")
        .contains("Gateway: paying adds")
        .contains("Solana verify: x402j");
    List<String[]> rows =
        Arrays.stream(out.toString().split("\n"))
            .filter(line -> line.startsWith("| ") && !line.startsWith("| what"))
            .map(line -> line.substring(2, line.length() - 2).split(" \\| "))
            .collect(Collectors.toList());
    assertThat(rows).hasSize(14);
    assertThat(rows)
        .filteredOn(r -> r[0].contains("x402j") || r[0].contains("official TypeScript"))
        .hasSize(8)
        .allSatisfy(r -> assertThat(r[2]).as(String.join(" | ", r)).isEqualTo("0"));
    assertThat(rows)
        .filteredOn(r -> r[0].startsWith("`POST /settle`, x402j"))
        .extracting(r -> r[1])
        .containsExactly("6", "2");
    assertThat(rows)
        .filteredOn(r -> r[0].startsWith("x402j gateway"))
        .extracting(r -> r[1])
        .containsExactly("10", "10");
    // Solana: both facilitators verified the same payments, each valid, and the devnet simulated
    // them on its own.
    assertThat(rows)
        .filteredOn(r -> r[0].startsWith("Solana "))
        .hasSize(4)
        .allSatisfy(
            r -> {
              assertThat(r[2]).as(String.join(" | ", r)).isEqualTo("0");
              assertThat(Long.parseLong(r[1])).as(String.join(" | ", r)).isPositive();
            });
  }

  @Test
  void badOptionsAreRefusedByName() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Comparison());
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("--concurrency", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--concurrency");
    assertThat(cli.execute("--payments", "15")).isEqualTo(2);
    assertThat(err.toString()).contains("--payments at least 16");
  }
}
