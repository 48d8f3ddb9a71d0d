package io.x402j.devnet;

/**
 * Run in a separate JVM by {@link SolanaDevnetIT}: starts a Solana devnet, prints its pid, waits.
 */
public final class SolanaDevnetChild {
  private SolanaDevnetChild() {}

  public static void main(String[] args) throws Exception {
    SolanaDevnet devnet = SolanaDevnet.start();
    System.out.println("node-pid " + devnet.processId());
    System.out.flush();
    // Idles until the test kills this JVM (that kill is what is tested); the bound only keeps
    // an orphan from living on if the test itself dies first.
    Thread.sleep(120_000);
  }
}
