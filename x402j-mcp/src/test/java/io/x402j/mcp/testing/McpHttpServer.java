package io.x402j.mcp.testing;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Java MCP SDK server over streamable HTTP on an in-process Jetty at {@code
 * http://127.0.0.1:P/mcp}, serving the given tools; and clients of it.
 */
public final class McpHttpServer implements AutoCloseable {
  private final Server jetty;
  private final McpSyncServer mcp;
  private final String url;

  private McpHttpServer(List<McpServerFeatures.SyncToolSpecification> tools) throws Exception {
    var mapper = new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper());
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(mapper)
            .mcpEndpoint("/mcp")
            .build();
    this.mcp =
        McpServer.sync(transport)
            .serverInfo("scripted", "1.0.0")
            .jsonMapper(mapper)
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .tools(tools)
            .build();
    this.jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(transport);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    jetty.setHandler(context);
    jetty.start();
    this.url = "http://127.0.0.1:" + connector.getLocalPort();
  }

  /** Starts a server with {@code tools}. */
  public static McpHttpServer start(List<McpServerFeatures.SyncToolSpecification> tools)
      throws Exception {
    return new McpHttpServer(tools);
  }

  /** The server's base URL, without {@code /mcp}. */
  public String url() {
    return url;
  }

  /** The MCP endpoint. */
  public String endpoint() {
    return url + "/mcp";
  }

  /** A new, initialised client of this server. */
  public McpSyncClient client() {
    McpSyncClient client =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder(url)
                    .endpoint("/mcp")
                    .jsonMapper(
                        new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()))
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    client.initialize();
    return client;
  }

  /** A new, initialised async client of this server. */
  public McpAsyncClient asyncClient() {
    McpAsyncClient client =
        McpClient.async(
                HttpClientStreamableHttpTransport.builder(url)
                    .endpoint("/mcp")
                    .jsonMapper(
                        new JacksonMcpJsonMapper(new com.fasterxml.jackson.databind.ObjectMapper()))
                    .build())
            .requestTimeout(Duration.ofSeconds(30))
            .build();
    client.initialize().block(Duration.ofSeconds(30));
    return client;
  }

  @Override
  public void close() {
    mcp.closeGracefully();
    try {
      jetty.stop();
    } catch (Exception e) {
      throw new IllegalStateException("jetty did not stop", e);
    }
  }
}
