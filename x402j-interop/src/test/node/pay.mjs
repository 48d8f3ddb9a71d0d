// Pays URL with an official client: "v2" (@x402/fetch + @x402/evm: "exact" with EIP-3009 or Permit2,
// and "upto") or "v1" (x402-fetch). The key comes from the environment (X402J_TEST_KEY), never from
// the command line. With a Permit2 offer the v2 client reads the chain at X402J_TEST_RPC to decide on
// gas sponsoring (it signs an extension the 402 declares when the Permit2 allowance is short).
import { privateKeyToAccount } from "viem/accounts";
import { createWalletClient, http } from "viem";
import { baseSepolia } from "viem/chains";

const [version, url, method = "GET", body] = process.argv.slice(2);
const account = privateKeyToAccount(process.env.X402J_TEST_KEY);
let paidFetch;
let decodeReceipt;
if (version === "v2") {
  const { wrapFetchWithPaymentFromConfig, decodePaymentResponseHeader } = await import("@x402/fetch");
  const { ExactEvmScheme, UptoEvmScheme } = await import("@x402/evm");
  const options = { rpcUrl: process.env.X402J_TEST_RPC };
  paidFetch = wrapFetchWithPaymentFromConfig(fetch, {
    schemes: [
      { network: "eip155:*", client: new ExactEvmScheme(account, options) },
      { network: "eip155:*", client: new UptoEvmScheme(account, options) },
    ],
  });
  decodeReceipt = (h) => decodePaymentResponseHeader(h);
} else {
  const { wrapFetchWithPayment, decodeXPaymentResponse } = await import("x402-fetch");
  const wallet = createWalletClient({ account, chain: baseSepolia, transport: http(process.env.X402J_TEST_RPC) });
  paidFetch = wrapFetchWithPayment(fetch, wallet);
  decodeReceipt = (h) => decodeXPaymentResponse(h);
}
try {
  const response = await paidFetch(url, { method, body, headers: body ? { "Content-Type": "application/json" } : {} });
  const header = response.headers.get(version === "v2" ? "PAYMENT-RESPONSE" : "X-PAYMENT-RESPONSE");
  console.log(
    JSON.stringify({
      status: response.status,
      body: await response.text(),
      receipt: header ? decodeReceipt(header) : null,
    }),
  );
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
}
