package io.x402j.webflux;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What these tests let block on an event loop: writing a log line to the console (the test's own
 * output, not the code under test). blockhound-junit-platform installs BlockHound with this
 * integration before the first test; every other blocking call on a Netty event loop or a Reactor
 * parallel thread throws {@code BlockingOperationError}.
 */
public final class TestBlockHound implements BlockHoundIntegration {
  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes");
  }
}
