package io.x402j.cli;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code x402j demo}: a complete x402 payment, four times, on two local chains (an EVM chain and
 * Solana).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts two local chains (anvil and a Solana runtime), a facilitator and a paid API (three"
          + " routes on the EVM chain, one on Solana), then pays each of the API's routes and tells"
          + " every step: the 402, the chosen requirement, the signature, verification, settlement"
          + " (the transaction, or on Solana its signature), and the balances.",
      "Exit status: 0 when every payment settled, 1 otherwise."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--keep-running",
      description = "Leave everything up afterwards and print the URLs and commands to try.")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    if (System.getenv("X402J_LOG_LEVEL") == null) {
      // The transcript is the point; the services' own logs would drown it.
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.x402j")).setLevel(Level.WARN);
    }
    PrintWriter out = spec.commandLine().getOut();
    Demo demo = Demo.start(out);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              demo.close();
              stopped.countDown();
            },
            "x402j-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean settled;
    try {
      settled = demo.payEveryRoute();
    } catch (RuntimeException e) {
      out.println("x402j demo: " + e.getMessage());
      out.flush();
      settled = false;
    }
    if (keepRunning) {
      demo.printRunning();
      stopped.await();
      return settled ? 0 : 1;
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    demo.close();
    return settled ? 0 : 1;
  }
}
