// An MCP server on the official TypeScript MCP SDK that SELLS a tool over x402, for x402j's paying
// MCP client. The official MCP binding (@x402/mcp) is not published on npm, so the binding here is
// written by hand from the spec (specs/transports-v2/mcp.md); the payment work itself is done by
// the official @x402/core resource server (x402ResourceServer + the @x402/evm "exact" server
// scheme) through the facilitator at X402J_FACILITATOR_URL:
//   weather {city}  $0.01 on eip155:84532 to X402J_PAY_TO; unpaid → an isError result with the
//                   PaymentRequired in structuredContent and as JSON in content[0].text; paid
//                   (params._meta["x402/payment"]) → verified, run, settled, then the result with
//                   _meta["x402/payment-response"]
//   echo {text}     free
// With X402J_MCP_ERROR_FORM=1 an unpaid call is answered with the JSON-RPC error form instead
// (code 402, data: PaymentRequired). With X402J_MCP_CALL_LOG each tool run appends its name there.
// Speaks over stdio (stdout is the MCP channel).
import { appendFileSync } from "node:fs";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { HTTPFacilitatorClient, x402ResourceServer } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";

const PAYMENT_META = "x402/payment";
const PAYMENT_RESPONSE_META = "x402/payment-response";
const NETWORK = "eip155:84532";
const callLog = process.env.X402J_MCP_CALL_LOG;
const errorForm = process.env.X402J_MCP_ERROR_FORM === "1";

const resourceServer = new x402ResourceServer(
  new HTTPFacilitatorClient({ url: process.env.X402J_FACILITATOR_URL }),
).register(NETWORK, new ExactEvmScheme());
await resourceServer.initialize();
const accepts = await resourceServer.buildPaymentRequirements({
  scheme: "exact",
  network: NETWORK,
  payTo: process.env.X402J_PAY_TO,
  price: "$0.01",
});

function ran(tool) {
  if (callLog) {
    appendFileSync(callLog, tool + "\n");
  }
}

async function paymentRequired(tool, reason) {
  const required = await resourceServer.createPaymentRequiredResponse(
    accepts,
    { url: `mcp://tool/${tool}`, description: `Tool: ${tool}`, mimeType: "application/json" },
    reason,
  );
  if (errorForm) {
    throw new McpError(402, reason, required);
  }
  return { isError: true, structuredContent: required, content: [{ type: "text", text: JSON.stringify(required) }] };
}

/** Sells `handler` at the route's price: verify, run, settle, and only then the result. */
function sold(tool, handler) {
  return async (args, extra) => {
    const payment = extra?._meta?.[PAYMENT_META];
    if (!payment || typeof payment !== "object") {
      return paymentRequired(tool, "Payment required to access this tool");
    }
    const requirements = resourceServer.findMatchingRequirements(accepts, payment);
    if (!requirements) {
      return paymentRequired(tool, "No matching payment requirements found");
    }
    const verified = await resourceServer.verifyPayment(payment, requirements);
    if (!verified.isValid) {
      return paymentRequired(tool, verified.invalidReason || "Payment verification failed");
    }
    const result = await handler(args);
    if (result.isError) {
      return result; // a failed tool is not charged
    }
    let settled;
    try {
      settled = await resourceServer.settlePayment(payment, requirements);
    } catch (e) {
      return paymentRequired(tool, `Payment settlement failed: ${e && e.message ? e.message : e}`);
    }
    if (!settled.success) {
      return paymentRequired(tool, `Payment settlement failed: ${settled.errorReason}`);
    }
    return { ...result, _meta: { [PAYMENT_RESPONSE_META]: settled } };
  };
}

// The low-level Server of the SDK, since McpServer turns every error a tool throws into an isError
// result and so could not answer with the JSON-RPC error form.
const tools = {
  weather: {
    description: "The weather in a city ($0.01)",
    inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    run: sold("weather", async ({ city }) => {
      ran("weather");
      return { content: [{ type: "text", text: JSON.stringify({ city, weather: "sunny", server: "official MCP SDK" }) }] };
    }),
  },
  echo: {
    description: "Echoes the text (free)",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    run: async ({ text }) => {
      ran("echo");
      return { content: [{ type: "text", text }] };
    },
  },
};
const server = new Server({ name: "x402j-interop-seller", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: Object.entries(tools).map(([name, t]) => ({ name, description: t.description, inputSchema: t.inputSchema })),
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const tool = tools[request.params.name];
  if (!tool) {
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}`);
  }
  return tool.run(request.params.arguments ?? {}, { _meta: request.params._meta });
});
await server.connect(new StdioServerTransport());
