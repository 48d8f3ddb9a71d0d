// An MCP client built on the official TypeScript MCP SDK (@modelcontextprotocol/sdk) that pays
// x402-priced tools with the official @x402/core client (x402Client + the @x402/evm "exact"
// scheme, signing with viem), the way the x402 MCP transport describes: a payment-required tool
// result (isError, the PaymentRequired in structuredContent and as JSON in content[0].text) or a
// JSON-RPC error with code 402 and the PaymentRequired as data → a retry with
// params._meta["x402/payment"] = PaymentPayload; the receipt is result._meta["x402/payment-response"].
//
// X402J_MCP_SERVER: {"command": …, "args": [...], "env": {...}} (stdio) or {"url": …} (streamable
// HTTP). X402J_MCP_STEPS: a JSON array of steps, run in order on one connection:
//   {"op": "list"}                                        → {"tools": [...]}
//   {"op": "call", "name": N, "arguments": {...}}          → {"result": …} or {"error": {code, message, data}}
//   {"op": "call", ..., "pay": true}                       → also {"unpaid": …, "paymentRequired": …,
//                                                            "payload": …, "result": <paid retry>}
//   {"op": "call", ..., "payWith": i}                      → retries with the payload built in step i
//   {"op": "call", ..., "payload": {...}}                  → sends that _meta["x402/payment"] as is
//   {"op": "call", ..., "meta": {...}}                     → sends that _meta as is
// Several calls at once: {"op": "parallel", "steps": [...]} → {"results": [...]}.
// The buyer's key comes from X402J_TEST_KEY (never the command line). Prints {"steps": [...]}.
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import { ExactEvmScheme } from "@x402/evm";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const PAYMENT_META = "x402/payment";
const PAYMENT_REQUIRED_CODE = 402;

const server = JSON.parse(process.env.X402J_MCP_SERVER);
const steps = JSON.parse(process.env.X402J_MCP_STEPS);

let payments;
if (process.env.X402J_TEST_KEY) {
  const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
  payments = new x402Client().register("eip155:*", new ExactEvmScheme(account));
  payments.setSpendControls(false); // test tokens are paid too
}

const transport = server.url
  ? new StreamableHTTPClientTransport(new URL(server.url))
  : new StdioClientTransport({
      command: server.command,
      args: server.args ?? [],
      env: { ...process.env, ...(server.env ?? {}) },
      stderr: "inherit",
    });
const client = new Client({ name: "x402j-interop-client", version: "1.0.0" });

/** The PaymentRequired of a payment-required tool result, as the official x402 MCP client reads it. */
function paymentRequiredOf(result) {
  if (!result || !result.isError) {
    return null;
  }
  const looksLikeOne = (o) => o && typeof o === "object" && Array.isArray(o.accepts) && "x402Version" in o;
  if (looksLikeOne(result.structuredContent)) {
    return result.structuredContent;
  }
  const first = result.content?.[0];
  if (first?.type === "text") {
    try {
      const parsed = JSON.parse(first.text);
      if (looksLikeOne(parsed)) {
        return parsed;
      }
    } catch {
      // not JSON
    }
  }
  return null;
}

async function call(name, args, meta) {
  const params = { name, arguments: args ?? {} };
  if (meta) {
    params._meta = meta;
  }
  try {
    return { result: await client.callTool(params) };
  } catch (e) {
    return { error: { code: e.code, message: String(e.message), data: e.data ?? null } };
  }
}

const done = [];

async function run(step) {
  if (step.op === "list") {
    const listed = await client.listTools();
    return { tools: listed.tools };
  }
  if (step.op === "parallel") {
    return { results: await Promise.all(step.steps.map((s) => run(s))) };
  }
  if (step.op !== "call") {
    throw new Error("unknown step " + JSON.stringify(step));
  }
  if (step.meta) {
    return call(step.name, step.arguments, step.meta);
  }
  if (step.payload) {
    return call(step.name, step.arguments, { [PAYMENT_META]: step.payload });
  }
  if (step.payWith !== undefined) {
    const payload = done[step.payWith].payload;
    return { payload, ...(await call(step.name, step.arguments, { [PAYMENT_META]: payload })) };
  }
  const first = await call(step.name, step.arguments);
  if (!step.pay) {
    return first;
  }
  const paymentRequired =
    first.error?.code === PAYMENT_REQUIRED_CODE ? first.error.data : paymentRequiredOf(first.result);
  if (!paymentRequired) {
    return { unpaid: first, paymentRequired: null };
  }
  const payload = await payments.createPaymentPayload(paymentRequired);
  const paid = await call(step.name, step.arguments, { [PAYMENT_META]: payload });
  return { unpaid: first, paymentRequired, payload, ...paid };
}

let exitCode = 0;
try {
  await client.connect(transport);
  for (const step of steps) {
    done.push(await run(step));
  }
  console.log(JSON.stringify({ steps: done }));
} catch (e) {
  console.log(JSON.stringify({ steps: done, failure: String(e && e.stack ? e.stack : e) }));
  exitCode = 1;
} finally {
  await client.close().catch(() => {});
}
process.exit(exitCode);
