// The official client's payment-identifier payments through a facilitator, driven by x402j's
// PaymentIdentifierHttpInteropIT. The official x402Client + ExactEvmScheme sign two payments (two
// authorizations) for X402J_REQUIREMENTS (JSON PaymentRequirements) and the official
// appendPaymentIdentifierToExtensions puts the SAME generated id on both; the official
// HTTPFacilitatorClient (what an official resource server uses) then verifies and settles the
// first at X402J_FACILITATOR_URL, and verifies and settles the second: a conflicting reuse.
// The key comes from the environment (X402J_TEST_KEY). Prints one line of JSON:
// {id, first: {verify, settle}, second: {verify, settle}} where each is {ok: answer} or
// {error: {name, message, status, data}}.
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm";
import {
  appendPaymentIdentifierToExtensions,
  declarePaymentIdentifierExtension,
  extractPaymentIdentifier,
  generatePaymentId,
} from "@x402/extensions/payment-identifier";

async function attempt(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    const fields = {};
    for (const k of Object.keys(e ?? {})) fields[k] = e[k];
    return { error: { name: e?.name, message: String(e?.message ?? e), ...fields } };
  }
}

try {
  const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
  const client = new x402Client().register(
    "eip155:*",
    new ExactEvmScheme(account, { rpcUrl: process.env.X402J_TEST_RPC }),
  );
  const requirements = JSON.parse(process.env.X402J_REQUIREMENTS);
  const required = {
    x402Version: 2,
    resource: { url: "http://127.0.0.1/report", description: "", mimeType: "" },
    accepts: [requirements],
    extensions: { "payment-identifier": declarePaymentIdentifierExtension(true) },
  };
  const id = generatePaymentId();
  const payloads = [];
  for (let i = 0; i < 2; i++) {
    const p = await client.createPaymentPayload(required);
    p.extensions = appendPaymentIdentifierToExtensions({ ...(p.extensions ?? {}) }, id);
    payloads.push(p);
  }
  const facilitator = new HTTPFacilitatorClient({ url: process.env.X402J_FACILITATOR_URL });
  const out = { id, ids: payloads.map((p) => extractPaymentIdentifier(p)) };
  for (const [name, p] of [["first", payloads[0]], ["second", payloads[1]]]) {
    out[name] = {
      verify: await attempt(() => facilitator.verify(p, requirements)),
      settle: await attempt(() => facilitator.settle(p, requirements)),
    };
  }
  // The official resource server's retry of the first settlement (same id, same payload).
  out.repeat = { settle: await attempt(() => facilitator.settle(payloads[0], requirements)) };
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
}
