package io.x402j.mcp.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/** An input stream that tells when it has ended (end of file or a read error). */
public final class EndOfInput extends FilterInputStream {
  private final CountDownLatch ended = new CountDownLatch(1);

  /** Watches {@code in}. */
  public EndOfInput(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    return watch(() -> super.read());
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return watch(() -> super.read(b, off, len));
  }

  private interface Read {
    int read() throws IOException;
  }

  private int watch(Read read) throws IOException {
    try {
      int n = read.read();
      if (n < 0) {
        ended.countDown();
      }
      return n;
    } catch (IOException e) {
      ended.countDown();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    ended.countDown();
    super.close();
  }

  /** Waits until the input has ended. */
  public void await() throws InterruptedException {
    ended.await();
  }
}
