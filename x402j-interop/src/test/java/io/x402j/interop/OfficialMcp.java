package io.x402j.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.x402j.cli.X402j;
import io.x402j.core.testing.ChildJvm;
import io.x402j.devnet.NodeProject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The official TypeScript MCP SDK, run with Node ({@code mcp-client.mjs}, {@code mcp-upstream.mjs},
 * {@code mcp-seller.mjs}), and the x402j CLI as a separate process for it to talk to over stdio.
 */
final class OfficialMcp {
  static final ObjectMapper JSON = new ObjectMapper();

  private OfficialMcp() {}

  /** {@code java <child-JVM options> -cp <this test's classpath> io.x402j.cli.X402j args…}. */
  static List<String> x402j(String... args) {
    return ChildJvm.main(X402j.class, args);
  }

  /** {@code node <script> args…} in the installed Node project, as one command line. */
  static String nodeCommandLine(String script, String... args) throws Exception {
    StringBuilder line =
        new StringBuilder("node ").append(Node.project().directory().resolve(script));
    for (String arg : args) {
      line.append(' ').append(arg);
    }
    return line.toString();
  }

  /** A stdio server for the client runner: {@code command[0]} with the rest as arguments. */
  static ObjectNode stdio(List<String> command) {
    ObjectNode server = JSON.createObjectNode();
    server.put("command", command.get(0));
    ArrayNode args = server.putArray("args");
    command.subList(1, command.size()).forEach(args::add);
    return server;
  }

  /** A streamable HTTP server for the client runner. */
  static ObjectNode http(String url) {
    return JSON.createObjectNode().put("url", url);
  }

  static ObjectNode list() {
    return JSON.createObjectNode().put("op", "list");
  }

  static ObjectNode call(String tool, Map<String, ?> arguments) {
    ObjectNode step = JSON.createObjectNode().put("op", "call").put("name", tool);
    step.set("arguments", JSON.valueToTree(arguments));
    return step;
  }

  /** Calls, and pays a payment-required answer once with the official @x402/core client. */
  static ObjectNode pay(String tool, Map<String, ?> arguments) {
    return call(tool, arguments).put("pay", true);
  }

  /** Calls with the payment built in step {@code step} again. */
  static ObjectNode payWith(String tool, Map<String, ?> arguments, int step) {
    return call(tool, arguments).put("payWith", step);
  }

  /** Calls with {@code _meta["x402/payment"] = payload}, whatever it is. */
  static ObjectNode payload(String tool, Map<String, ?> arguments, JsonNode payload) {
    ObjectNode step = call(tool, arguments);
    step.set("payload", payload);
    return step;
  }

  /** Several steps at once. */
  static ObjectNode parallel(ObjectNode... steps) {
    ObjectNode step = JSON.createObjectNode().put("op", "parallel");
    ArrayNode all = step.putArray("steps");
    for (ObjectNode s : steps) {
      all.add(s);
    }
    return step;
  }

  /**
   * Runs the official MCP client against {@code server}, one connection for all steps, paying with
   * {@code buyerKey} (may be null), and returns what each step saw ({@code steps[i]}).
   */
  static JsonNode client(ObjectNode server, String buyerKey, ObjectNode... steps)
      throws IOException, InterruptedException {
    return client(server, buyerKey == null ? Map.of() : Map.of("X402J_TEST_KEY", buyerKey), steps);
  }

  /**
   * Runs the official MCP client with {@code env} added to its environment (a stdio server it
   * starts inherits it) and returns what each step saw.
   */
  static JsonNode client(ObjectNode server, Map<String, String> env, ObjectNode... steps)
      throws IOException, InterruptedException {
    ArrayNode all = JSON.createArrayNode();
    for (ObjectNode step : steps) {
      all.add(step);
    }
    Map<String, String> full = new java.util.HashMap<>(env);
    full.put("X402J_MCP_SERVER", server.toString());
    full.put("X402J_MCP_STEPS", all.toString());
    return project().run("mcp-client.mjs", full, Duration.ofSeconds(180)).path("steps");
  }

  static NodeProject project() throws IOException, InterruptedException {
    return Node.project();
  }
}
