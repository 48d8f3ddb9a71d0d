package io.x402j.bench;

import io.x402j.evm.Bytes32;
import io.x402j.evm.PrivateKeySigner;
import io.x402j.evm.Signature;
import io.x402j.evm.spi.Secp256k1Backend;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Public-key recovery from a payment signature, the one costly local step of verification:
 * libsecp256k1 through JNI against the pure-Java BouncyCastle fallback.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RecoveryBenchmark {
  @Param({"native", "bouncycastle"})
  public String backend;

  private Secp256k1Backend secp;
  private final byte[][] hashes = new byte[64][];
  private final byte[][] signatures = new byte[64][];
  private final int[] recoveryIds = new int[64];
  private int next;

  @Setup
  public void setUp() {
    secp = "native".equals(backend) ? Secp256k1Backend.best() : Secp256k1Backend.pureJava();
    if ("native".equals(backend) && secp == Secp256k1Backend.pureJava()) {
      throw new IllegalStateException("the native backend does not load on this platform");
    }
    SecureRandom random = new SecureRandom();
    PrivateKeySigner signer = PrivateKeySigner.generate(random);
    for (int i = 0; i < hashes.length; i++) {
      Bytes32 hash = Bytes32.random(random);
      Signature signature = signer.sign(hash);
      hashes[i] = hash.toBytes();
      signatures[i] = signature.compact();
      recoveryIds[i] = signature.recoveryId();
    }
  }

  /** One recovery of a 64-byte public key from a signature and its hash. */
  @Benchmark
  public byte[] recover() {
    int i = next++ & 63;
    return secp.recover(hashes[i], signatures[i], recoveryIds[i]);
  }
}
