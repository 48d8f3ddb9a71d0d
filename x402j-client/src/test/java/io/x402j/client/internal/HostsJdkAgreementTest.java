package io.x402j.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Found by the third attack review, now fixed: a budget is kept per canonical host, but the
 * connection is made by the JDK, which reads an IPv4 literal its own way. Where the two disagree, a
 * payment is charged to the budget of one address and sent to another: a server at 177.0.0.1 (or a
 * redirect to it) spelt {@code 0177.0.0.1} is charged to 127.0.0.1's budget, and its own budget
 * never fills.
 */
class HostsJdkAgreementTest {
  @Test
  void aLeadingZeroLabelIsTheAddressTheJdkConnectsTo() throws Exception {
    for (String spelling : List.of("0177.0.0.1", "010.0.0.1", "08", "127.0.0.010")) {
      // A literal: parsed by the JDK, never looked up.
      String connected = InetAddress.getByName(spelling).getHostAddress();
      assertThat(Hosts.of(URI.create("http://" + spelling + "/paid")))
          .as("budget key of %s, which the JDK connects to as %s", spelling, connected)
          .isEqualTo(connected);
    }
  }
}
