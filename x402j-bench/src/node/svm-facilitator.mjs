// The official TypeScript facilitator for Solana (@x402/core + @x402/svm 2.27.0 exact, v1 and v2)
// over HTTP, as x402j-interop's facilitator.mjs serves the EVM one: POST /verify and /settle,
// GET /supported. The chain is the JSON-RPC node at X402J_SOLANA_RPC (x402j's Solana devnet); fees
// are paid by the base58 64-byte secret key in X402J_SVM_FEE_PAYER_KEY.
// Prints {"url": …, "feePayer": …} once it listens.
import http from "node:http";
import { createKeyPairSignerFromBytes, getBase58Encoder } from "@solana/kit";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { registerExactSvmScheme } from "@x402/svm/exact/facilitator";

const rpcUrl = process.env.X402J_SOLANA_RPC;
const secret = process.env.X402J_SVM_FEE_PAYER_KEY;
if (!rpcUrl || !secret) {
  console.error("svm-facilitator.mjs needs X402J_SOLANA_RPC and X402J_SVM_FEE_PAYER_KEY");
  process.exit(2);
}
const feePayer = await createKeyPairSignerFromBytes(new Uint8Array(getBase58Encoder().encode(secret)));
const facilitator = registerExactSvmScheme(new x402Facilitator(), {
  signer: toFacilitatorSvmSigner(feePayer, { defaultRpcUrl: rpcUrl }),
  networks: ["solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"],
});

function body(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function answer(res, status, value) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value, (k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/supported") {
      return answer(res, 200, await facilitator.getSupported());
    }
    if (req.method === "POST" && (req.url === "/verify" || req.url === "/settle")) {
      const { paymentPayload, paymentRequirements } = JSON.parse(await body(req));
      const result =
        req.url === "/verify"
          ? await facilitator.verify(paymentPayload, paymentRequirements)
          : await facilitator.settle(paymentPayload, paymentRequirements);
      return answer(res, 200, result);
    }
    answer(res, 404, { error: "not found" });
  } catch (e) {
    answer(res, 500, { error: String(e && e.message ? e.message : e) });
  }
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, feePayer: feePayer.address }));
});
