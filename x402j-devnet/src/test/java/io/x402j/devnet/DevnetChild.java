package io.x402j.devnet;

/** Run in a separate JVM by {@link DevnetIT}: starts a devnet, prints anvil's pid, waits. */
public final class DevnetChild {
  private DevnetChild() {}

  public static void main(String[] args) throws Exception {
    Devnet devnet = Devnet.start(DevnetOptions.defaults());
    long anvil =
        ProcessHandle.of(devnet.processId())
            .flatMap(watchdog -> watchdog.descendants().findFirst())
            .map(ProcessHandle::pid)
            .orElse(devnet.processId());
    System.out.println("anvil-pid " + anvil);
    System.out.flush();
    // Idles until the test kills this JVM (that kill is what is tested); the bound only keeps
    // an orphan from living on if the test itself dies first.
    Thread.sleep(120_000);
  }
}
