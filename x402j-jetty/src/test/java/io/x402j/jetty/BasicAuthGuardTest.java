package io.x402j.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.jetty.BasicAuthGuard.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicAuthGuardTest {
  private static final String PASSWORD = "correct horse battery";

  private final MovableClock clock = new MovableClock();
  private final BasicAuthGuard guard = new BasicAuthGuard("test", PASSWORD, clock);

  private static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  private void fail(String client, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(guard.check(client, basic("u:nope" + i)).outcome()).isEqualTo(Outcome.WRONG);
    }
  }

  @Test
  void eachClientHasItsOwnCountAndTheRightPasswordResetsIt() {
    fail("10.0.0.1", BasicAuthGuard.MAX_FAILURES - 1);
    assertThat(guard.check("10.0.0.1", basic("u:" + PASSWORD)).allowed()).isTrue();
    fail("10.0.0.1", BasicAuthGuard.MAX_FAILURES - 1); // counted afresh after the success
    assertThat(guard.check("10.0.0.1", basic("any:" + PASSWORD)).allowed()).isTrue();

    fail("10.0.0.2", BasicAuthGuard.MAX_FAILURES);
    assertThat(guard.check("10.0.0.2", basic("u:" + PASSWORD)).outcome())
        .isEqualTo(Outcome.THROTTLED);
    assertThat(guard.check("10.0.0.3", basic("u:" + PASSWORD)).allowed()).isTrue();
  }

  @Test
  void malformedCredentialsCountAsWrongAndMissingOnesDoNot() {
    for (int i = 0; i < 50; i++) {
      assertThat(guard.check("c", null).outcome()).isEqualTo(Outcome.MISSING);
      assertThat(guard.check("c", "Bearer " + PASSWORD).outcome()).isEqualTo(Outcome.MISSING);
    }
    for (String bad :
        new String[] {"Basic %%%", "Basic ", basic(PASSWORD), basic("u:" + PASSWORD + " ")}) {
      assertThat(guard.check("c", bad).outcome()).as(bad).isEqualTo(Outcome.WRONG);
    }
    fail("c", BasicAuthGuard.MAX_FAILURES - 4);
    assertThat(guard.check("c", basic("u:" + PASSWORD)).outcome()).isEqualTo(Outcome.THROTTLED);
  }

  @Test
  void theRefusalLastsUntilTheWindowThatStartedWithTheFirstFailureEnds() {
    fail("c", 1);
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    fail("c", BasicAuthGuard.MAX_FAILURES - 1);
    BasicAuthGuard.Verdict v = guard.check("c", basic("u:" + PASSWORD));
    assertThat(v.outcome()).isEqualTo(Outcome.THROTTLED);
    assertThat(v.retryAfterSeconds()).isEqualTo(300);
    clock.now = clock.now.plus(Duration.ofMinutes(5)).minusMillis(1);
    assertThat(guard.check("c", basic("u:" + PASSWORD)).retryAfterSeconds()).isEqualTo(1);
    clock.now = clock.now.plusMillis(1);
    assertThat(guard.check("c", basic("u:" + PASSWORD)).allowed()).isTrue();
  }

  @Test
  void manyAddressesCannotGrowMemoryTheyShareOneCountOnceTheTableIsFull() {
    for (int i = 0; i < BasicAuthGuard.MAX_CLIENTS; i++) {
      guard.check("a" + i, basic("u:x"));
    }
    // Untracked addresses now share a count: ten more guesses from fresh addresses exhaust it.
    for (int i = 0; i < BasicAuthGuard.MAX_FAILURES; i++) {
      assertThat(guard.check("b" + i, basic("u:x")).outcome()).isEqualTo(Outcome.WRONG);
    }
    assertThat(guard.check("b-new", basic("u:" + PASSWORD)).outcome()).isEqualTo(Outcome.THROTTLED);
    // A tracked address is judged on its own count.
    assertThat(guard.check("a7", basic("u:" + PASSWORD)).allowed()).isTrue();
    // Once the window ends the table empties and every address has its own count again.
    clock.now = clock.now.plus(BasicAuthGuard.WINDOW);
    assertThat(guard.check("b-new", basic("u:" + PASSWORD)).allowed()).isTrue();
  }

  @Test
  void aFullTableOfLiveClientsCostsNoScanPerRequest() {
    for (int i = 0; i < BasicAuthGuard.MAX_CLIENTS; i++) {
      guard.check("a" + i, basic("u:x"));
    }
    // Every request from an untracked address (with or without credentials) used to walk the whole
    // table under the lock looking for ended windows: 10,000 entries per request, a CPU flood for
    // the price of one small request. 200,000 such requests took tens of seconds that way.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (int i = 0; i < 200_000; i++) {
            guard.check("b" + i, null);
          }
        });
    // The table still empties when the windows end.
    clock.now = clock.now.plus(BasicAuthGuard.WINDOW);
    fail("b-new", BasicAuthGuard.MAX_FAILURES - 1);
    assertThat(guard.check("b-new", basic("u:" + PASSWORD)).allowed()).isTrue();
  }

  @Test
  void anIpv4AddressWrittenAsIpv6IsTheSameClient() {
    assertThat(BasicAuthGuard.clientKey("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(BasicAuthGuard.clientKey("[::FFFF:cb00:7107]")).isEqualTo("203.0.113.7");
    fail("::ffff:203.0.113.7", BasicAuthGuard.MAX_FAILURES / 2);
    fail("203.0.113.7", BasicAuthGuard.MAX_FAILURES - BasicAuthGuard.MAX_FAILURES / 2);
    assertThat(guard.check("[::ffff:203.0.113.7]", basic("u:" + PASSWORD)).outcome())
        .isEqualTo(Outcome.THROTTLED);
    // Spellings of one IPv6 network (case, zeros, zone id) are one client too.
    assertThat(BasicAuthGuard.clientKey("FE80::1%no-such-interface"))
        .isEqualTo(BasicAuthGuard.clientKey("fe80:0:0:0::2"));
    assertThat(BasicAuthGuard.clientKey("[2001:DB8:0001:0002::1]")).isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void theAddressesOfOneIpv6NetworkShareOneCount() {
    for (int i = 0; i < BasicAuthGuard.MAX_FAILURES; i++) {
      String address = "2001:db8:1:2:" + Integer.toHexString(i) + "::" + (i + 1);
      assertThat(guard.check(address, basic("u:x")).outcome()).isEqualTo(Outcome.WRONG);
    }
    assertThat(guard.check("[2001:0db8:0001:0002:ffff::1]", basic("u:" + PASSWORD)).outcome())
        .isEqualTo(Outcome.THROTTLED);
    assertThat(guard.check("2001:db8:1:3::1", basic("u:" + PASSWORD)).allowed()).isTrue();
    assertThat(BasicAuthGuard.clientKey("2001:db8:1:2::9")).isEqualTo("2001:db8:1:2::/64");
    assertThat(BasicAuthGuard.clientKey("203.0.113.7")).isEqualTo("203.0.113.7");
  }

  @Test
  void passwordsShorterThanTwelveCharactersAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new BasicAuthGuard("t", "elevenchars", clock))
        .hasMessage("the password is too short: use at least 12 characters");
    org.assertj.core.api.Assertions.assertThatCode(
            () -> new BasicAuthGuard("t", "twelve chars", clock))
        .doesNotThrowAnyException();
  }
}
