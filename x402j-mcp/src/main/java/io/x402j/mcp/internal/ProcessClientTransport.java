package io.x402j.mcp.internal;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The client side of MCP's stdio transport to a child process, written for the gateway: unlike the
 * SDK's {@code StdioClientTransport}, a child that exits (or closes its stdout) fails every request
 * still waiting for it, and every later one, at once with a JSON-RPC error naming the exit, instead
 * of leaving callers to their timeout; and the child's stderr goes, line by line, to a consumer
 * (never to our stdout). Lines on the child's stdout that are not JSON-RPC are dropped with a
 * warning.
 */
public final class ProcessClientTransport implements McpClientTransport {
  private static final Logger log = LoggerFactory.getLogger(ProcessClientTransport.class);

  /** The JSON-RPC error code of a request the upstream can no longer answer. */
  public static final int UPSTREAM_GONE = McpSchema.ErrorCodes.INTERNAL_ERROR;

  private final List<String> command;
  private final Map<String, String> env;
  private final McpJsonMapper json;
  private final Consumer<String> stderr;
  private final Set<Object> pending = ConcurrentHashMap.newKeySet();
  private final Object writeLock = new Object();
  private volatile Process process;
  private volatile Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler;
  private volatile String gone;
  private volatile boolean closing;

  /**
   * A transport that will start {@code command}.
   *
   * @param env variables added to the child's environment
   * @param stderr receives each line the child writes to its stderr
   */
  public ProcessClientTransport(
      List<String> command, Map<String, String> env, McpJsonMapper json, Consumer<String> stderr) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the upstream command is empty");
    }
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.json = Objects.requireNonNull(json, "json");
    this.stderr = Objects.requireNonNull(stderr, "stderr");
  }

  @Override
  public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
    return Mono.fromRunnable(
        () -> {
          this.handler = handler;
          ProcessBuilder builder = new ProcessBuilder(command);
          builder.environment().putAll(env);
          try {
            process = builder.start();
          } catch (IOException e) {
            throw new IllegalStateException(
                "cannot start the upstream MCP server " + command.get(0) + ": " + e.getMessage(),
                e);
          }
          Thread out = new Thread(this::readStdout, "x402j-mcp-upstream-stdout");
          out.setDaemon(true);
          out.start();
          Thread err = new Thread(this::readStderr, "x402j-mcp-upstream-stderr");
          err.setDaemon(true);
          err.start();
        });
  }

  private void readStdout() {
    Process p = process;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JSONRPCMessage message;
        try {
          message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | RuntimeException e) {
          log.warn("the upstream MCP server wrote a line that is not JSON-RPC; dropped");
          continue;
        }
        if (message instanceof JSONRPCResponse r) {
          pending.remove(r.id());
        }
        deliver(message);
      }
    } catch (IOException e) {
      if (!closing) {
        log.warn("reading the upstream MCP server failed: {}", e.getMessage());
      }
    }
    upstreamGone(p);
  }

  private void readStderr() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        stderr.accept(line);
      }
    } catch (IOException e) {
      // the child is gone; stdout's reader reports it
    }
  }

  /** The child closed its stdout: fail what waits, and everything that comes after. */
  private void upstreamGone(Process p) {
    String why;
    try {
      why =
          p.waitFor(2, TimeUnit.SECONDS)
              ? "the upstream MCP server exited (status " + p.exitValue() + ")"
              : "the upstream MCP server closed its output";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "the upstream MCP server closed its output";
    }
    gone = why;
    if (!closing) {
      log.warn("{}; calls to it now fail", why);
    }
    for (Object id : new ArrayList<>(pending)) {
      if (pending.remove(id)) {
        fail(id, why);
      }
    }
  }

  private void fail(Object id, String why) {
    deliver(JSONRPCResponse.error(id, new JSONRPCResponse.JSONRPCError(UPSTREAM_GONE, why, null)));
  }

  private void deliver(JSONRPCMessage message) {
    var h = handler;
    if (h != null) {
      h.apply(Mono.just(message)).subscribe(reply -> {}, e -> log.debug("handler failed", e));
    }
  }

  @Override
  public Mono<Void> sendMessage(JSONRPCMessage message) {
    return Mono.fromRunnable(
        () -> {
          Object id = message instanceof JSONRPCRequest r ? r.id() : null;
          String why = gone;
          if (why != null) {
            if (id != null) {
              fail(id, why);
            }
            return;
          }
          if (id != null) {
            pending.add(id);
            if (gone != null && pending.remove(id)) {
              fail(id, gone); // it went while we registered
              return;
            }
          }
          try {
            String line = json.writeValueAsString(message);
            // one message per line: a JSON text has no raw newline outside strings, but be safe
            line = line.replace("\r", "\\r").replace("\n", "\\n");
            synchronized (writeLock) {
              OutputStream os = process.getOutputStream();
              os.write(line.getBytes(StandardCharsets.UTF_8));
              os.write('\n');
              os.flush();
            }
          } catch (IOException e) {
            if (id != null && pending.remove(id)) {
              fail(id, "cannot write to the upstream MCP server: " + e.getMessage());
            }
          }
        });
  }

  /** Whether the child has gone; then the reason, else {@code null}. */
  public String gone() {
    return gone;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::close);
  }

  @Override
  public void close() {
    closing = true;
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // already closed
    }
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return json.convertValue(data, typeRef);
  }
}
