package io.x402j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * HTTP/1.1 over a plain socket, for requests whose exact bytes matter and that no well-behaved
 * client would send: a method or path spelt as an attacker spells it, oversized headers, bodies
 * trickled a byte at a time, headers never finished. Most answers are reduced to the status line;
 * {@link #exchangeWhole} returns all of it.
 *
 * <pre>{@code
 * RawHttp raw = new RawHttp("127.0.0.1", port);
 * String status = raw.exchange("GET /paid/%2e%2e/free HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
 * // "HTTP/1.1 400 Bad Request", or "closed" if the server hung up without a word
 * }</pre>
 */
public final class RawHttp {
  private final String host;
  private final int port;

  /** Talks to {@code host:port}; {@code host} is also sent as the {@code Host} header. */
  public RawHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** A POST of {@code body} with {@code extraHeaders} (each ending in CRLF), as bytes. */
  public byte[] post(String path, String body, String extraHeaders) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n"
            + extraHeaders
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + bytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
    return all;
  }

  /** The status line of a GET of {@code path}. */
  public String get(String path) throws IOException {
    return exchange(
        ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends {@code request} as is; the status line of the answer, or "closed" if none came. */
  public String exchange(byte[] request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException resetWhileSending) {
        // the server may answer and close before reading everything: read what it said
      }
      return statusLine(socket.getInputStream());
    }
  }

  /** Sends {@code request} as is; the whole answer (status line, headers, body) as text. */
  public String exchangeWhole(byte[] request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(15_000);
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException resetWhileSending) {
        // the server may answer and close before reading everything: read what it said
      }
      try {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (SocketTimeoutException | SocketException e) {
        return "closed";
      }
    }
  }

  /**
   * Posts a body of {@code length} bytes one byte every 200 ms, until the server answers or closes;
   * returns the status line.
   *
   * <p>The request says {@code Expect: 100-continue}, so the server answers {@code 100 Continue}
   * once its handler starts reading the body. Only then is {@code reading} counted down and the
   * body trickled: a test that awaits {@code reading} knows the server holds this request, rather
   * than hoping that it has connected by now. If any other answer comes first, that is returned.
   */
  public String trickle(String path, int length, CountDownLatch reading) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] request = post(path, "x".repeat(length), "Expect: 100-continue\r\n");
      int headerEnd = request.length - length;
      out.write(request, 0, headerEnd);
      out.flush();
      String interim = statusLine(in);
      if (!interim.contains(" 100 ")) {
        return interim;
      }
      String line;
      do {
        line = statusLine(in); // the interim answer's headers, up to its empty line
      } while (!line.isEmpty() && !line.equals("closed"));
      if (line.equals("closed")) {
        return line;
      }
      reading.countDown();
      for (int i = headerEnd; i < request.length; i++) {
        if (in.available() > 0) {
          break;
        }
        try {
          out.write(request[i]);
          out.flush();
          // The slowness under test, not a wait for the test to proceed.
          Thread.sleep(200);
        } catch (IOException cutOff) {
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
      return statusLine(in);
    }
  }

  /** Opens {@code count} connections that send the start of a request and nothing more. */
  public List<Socket> unfinishedRequests(int count) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket(host, port);
      socket
          .getOutputStream()
          .write("POST / HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      sockets.add(socket);
    }
    return sockets;
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    try {
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
    } catch (SocketTimeoutException | SocketException e) {
      // what was read so far is the answer
    }
    return line.length() == 0 ? "closed" : line.toString().strip();
  }
}
