// An MCP server built on the official TypeScript MCP SDK (@modelcontextprotocol/sdk), knowing
// nothing of x402: the upstream that `x402j mcp-gateway` sells. Tools:
//   echo {text}     free; returns the text
//   weather {city}  the one a gateway prices; returns {"city": …, "weather": "sunny"} as JSON text
//   fail {}         a tool that fails: isError true, "upstream failure"
//   boom {}         a tool that throws (the SDK turns it into an isError result)
// Arguments: [stdio|http] [CALL_LOG]. With a CALL_LOG file (or X402J_MCP_CALL_LOG) each call
// appends "<tool>\n" to it, so that a test can count how often a tool really ran (an argument,
// since a gateway in between need not pass its environment on). With "http" it serves streamable HTTP (stateless) at
// http://127.0.0.1:<port>/mcp and prints {"url": …}; otherwise it speaks over stdio (then stdout is
// the MCP channel and nothing else is printed there).
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

const callLog = process.argv[3] || process.env.X402J_MCP_CALL_LOG;

function ran(tool) {
  if (callLog) {
    appendFileSync(callLog, tool + "\n");
  }
}

function newServer() {
  const server = new McpServer({ name: "x402j-interop-upstream", version: "1.0.0" });
  server.registerTool(
    "echo",
    { description: "Echoes the text (free)", inputSchema: { text: z.string() } },
    async ({ text }) => {
      ran("echo");
      return { content: [{ type: "text", text }] };
    },
  );
  server.registerTool(
    "weather",
    { description: "The weather in a city", inputSchema: { city: z.string() } },
    async ({ city }) => {
      ran("weather");
      return { content: [{ type: "text", text: JSON.stringify({ city, weather: "sunny" }) }] };
    },
  );
  server.registerTool("fail", { description: "Always fails" }, async () => {
    ran("fail");
    return { isError: true, content: [{ type: "text", text: "upstream failure" }] };
  });
  server.registerTool("boom", { description: "Always throws" }, async () => {
    ran("boom");
    throw new Error("upstream exploded");
  });
  return server;
}

if (process.argv[2] === "http") {
  const http = createServer(async (req, res) => {
    if (!req.url.startsWith("/mcp")) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, text ? JSON.parse(text) : undefined);
  });
  http.listen(0, "127.0.0.1", () => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${http.address().port}/mcp` }));
  });
} else {
  await newServer().connect(new StdioServerTransport());
}
