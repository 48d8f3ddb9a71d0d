// Pays URL on Solana with an official client: "v2" (@x402/fetch + @x402/svm) or "v1" (x402-fetch
// 1.2.0, which knows solana-devnet). The buyer's base58 64-byte secret key comes from the
// environment (X402J_SVM_KEY), never from the command line; X402J_SOLANA_RPC is the chain.
// Prints {status, body, receipt, payment}: payment is the payment header the client sent, so a
// test can send it again.
import { createKeyPairSignerFromBytes, getBase58Encoder } from "@solana/kit";

const [version, url, method = "GET", body] = process.argv.slice(2);
const rpcUrl = process.env.X402J_SOLANA_RPC;
const secret = new Uint8Array(getBase58Encoder().encode(process.env.X402J_SVM_KEY));
const signer = await createKeyPairSignerFromBytes(secret);

let sent = null;
const recordingFetch = async (input, init) => {
  const headers = new Headers(input instanceof Request ? input.headers : undefined);
  new Headers(init?.headers ?? {}).forEach((v, k) => headers.set(k, v));
  const payment = headers.get("PAYMENT-SIGNATURE") ?? headers.get("X-PAYMENT");
  if (payment) sent = payment;
  return fetch(input, init);
};

let paidFetch;
let decodeReceipt;
if (version === "v2") {
  const { wrapFetchWithPaymentFromConfig, decodePaymentResponseHeader } = await import("@x402/fetch");
  const { ExactSvmScheme } = await import("@x402/svm/exact/client");
  paidFetch = wrapFetchWithPaymentFromConfig(recordingFetch, {
    schemes: [{ network: "solana:*", client: new ExactSvmScheme(signer, { rpcUrl }) }],
  });
  decodeReceipt = (h) => decodePaymentResponseHeader(h);
} else {
  const { wrapFetchWithPayment, decodeXPaymentResponse } = await import("x402-fetch");
  paidFetch = wrapFetchWithPayment(recordingFetch, signer, undefined, undefined, { svmConfig: { rpcUrl } });
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
      payment: sent,
    }),
  );
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.stack ? e.stack : e), payment: sent }));
}
