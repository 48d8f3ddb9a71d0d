package io.x402j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Secrets in the upstream's URL (an API key in the query, user info) stay out of the gateway's
 * errors, as x402j redacts RPC and facilitator URLs everywhere else.
 */
class McpGatewaySecretsIT {
  @Test
  void anUnreachableUpstreamsCredentialsAreNotInTheError() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // nothing listens here once closed
    }
    URI upstream = URI.create("http://127.0.0.1:" + port + "/mcp?api_key=s3cretkey");

    assertThatThrownBy(
            () ->
                McpGateway.builder()
                    .upstreamUrl(upstream)
                    .requestTimeout(Duration.ofSeconds(10))
                    .http(0)
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).contains("127.0.0.1:" + port + "/mcp");
              assertThat(e.getMessage()).doesNotContain("s3cretkey");
            });
  }

  @Test
  void anUpstreamUrlsUserInfoIsNotInTheError() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI upstream = URI.create("http://agent:s3cretpass@127.0.0.1:" + port + "/mcp");

    assertThatThrownBy(
            () ->
                McpGateway.builder()
                    .upstreamUrl(upstream)
                    .requestTimeout(Duration.ofSeconds(10))
                    .http(0)
                    .start())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cretpass"));
  }
}
