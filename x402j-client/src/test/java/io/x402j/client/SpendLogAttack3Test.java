package io.x402j.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks (wt-attack3) on the spend log's lock and torn-line handling. */
class SpendLogAttack3Test {
  private static final String LINE =
      "{\"id\":1,\"at\":\"2026-01-01T00:00:00Z\",\"host\":\"a.example\",\"url\":\"https://a.example/x\","
          + "\"network\":\"eip155:84532\",\"asset\":\"0x036cbd53842c5426634e7929541ec2318f3dcf7e\","
          + "\"amount\":\"10000\",\"usd\":\"0.01\",\"payTo\":"
          + "\"0x0000000000000000000000000000000000000001\"}\n";

  /**
   * The lock is a POSIX record lock, which the kernel drops when the process closes ANY descriptor
   * of the file: open() reads the file through another descriptor (Files.readAllLines) after
   * locking, so a second `x402j pay` process opens the same log, and each spends the whole budget.
   */
  @Test
  void aSecondProcessIsRefusedTheLogWhileTheFirstHasItOpen(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spend.jsonl");
    Files.writeString(file, LINE, StandardCharsets.UTF_8);
    try (SpendLog log = SpendLog.open(file)) {
      assertThat(log.spends()).hasSize(1);
      Process other =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SecondPayer.class.getName(),
                  file.toString())
              .redirectErrorStream(true)
              .start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      other.getInputStream().transferTo(out);
      assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out.toString(StandardCharsets.UTF_8))
          .as("a second process opening the log in use")
          .contains("REFUSED")
          .doesNotContain("OPENED");
    }
  }

  /** The second `x402j pay` run, in its own JVM. */
  public static final class SecondPayer {
    public static void main(String[] args) {
      try (SpendLog log = SpendLog.open(Path.of(args[0]))) {
        System.out.println("OPENED " + log.usdSince(Instant.EPOCH, null));
      } catch (IllegalStateException e) {
        System.out.println("REFUSED " + e.getMessage());
      }
    }
  }

  /**
   * A crash while writing a line with a non-ASCII character (a URL with one, say) can cut a UTF-8
   * sequence in two. The log then cannot be opened at all (MalformedInputException from
   * readAllLines), so the torn-line repair never runs and every later payment is refused with
   * "cannot open the spend log" until someone edits the file; the payments before the torn line
   * must still count and the log must open.
   */
  @Test
  void aLineTornInsideAUtf8CharacterLeavesTheLogUsable(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("spend.jsonl");
    byte[] torn =
        "{\"id\":2,\"at\":\"2026-01-01T00:00:01Z\",\"host\":\"b.example\",\"url\":\"https://b.example/b"
            .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(LINE.getBytes(StandardCharsets.UTF_8));
    bytes.write(torn);
    bytes.write(0xC3); // the first byte of "ü"; the crash took the second
    Files.write(file, bytes.toByteArray());
    try (SpendLog log = SpendLog.open(file)) {
      assertThat(log.usdSince(Instant.EPOCH, null)).isEqualByComparingTo(new BigDecimal("0.01"));
    }
  }

  @Test
  void aDamagedLineBeforeTheEndRefusesTheLogRatherThanForgetAPayment(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("spend.log");
    java.nio.file.Files.writeString(
        file,
        "{\"id\":1,\"at\":\"2026-11-28T00:00:00Z\",\"amount\":\"10000\"}\n"
            + "garbage where a payment was\n"
            + "{\"id\":3,\"cancel\":9}\n");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpendLog.open(file))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("cannot open the spend log")
        .hasStackTraceContaining("line 2 cannot be read");
  }
}
