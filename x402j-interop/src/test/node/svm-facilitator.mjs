// The official TypeScript facilitator (@x402/core + @x402/svm exact, v1 and v2) over HTTP, on the
// Solana chain at X402J_SOLANA_RPC (x402j's Solana devnet). Fees are paid by the base58 64-byte
// secret key in X402J_SVM_FEE_PAYER_KEY. Prints {"url": …, "feePayer": …} once it listens.
import http from "node:http";
import { createKeyPairSignerFromBytes, getBase58Encoder } from "@solana/kit";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorSvmSigner } from "@x402/svm";
import { registerExactSvmScheme } from "@x402/svm/exact/facilitator";

const rpcUrl = process.env.X402J_SOLANA_RPC;
const feePayer = await createKeyPairSignerFromBytes(
  new Uint8Array(getBase58Encoder().encode(process.env.X402J_SVM_FEE_PAYER_KEY)),
);
const signer = toFacilitatorSvmSigner(feePayer, { defaultRpcUrl: rpcUrl });
const facilitator = registerExactSvmScheme(new x402Facilitator(), {
  signer,
  networks: ["solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"],
});

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res, status, body) {
  const text = JSON.stringify(body, (k, v) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  try {
    if (req.method === "GET" && req.url === "/supported") {
      return send(res, 200, await facilitator.getSupported());
    }
    if (req.method === "POST" && (req.url === "/verify" || req.url === "/settle")) {
      const body = JSON.parse(await read(req));
      const result =
        req.url === "/verify"
          ? await facilitator.verify(body.paymentPayload, body.paymentRequirements)
          : await facilitator.settle(body.paymentPayload, body.paymentRequirements);
      return send(res, 200, result);
    }
    send(res, 404, { error: "not found" });
  } catch (e) {
    send(res, 500, { error: String(e && e.message ? e.message : e) });
  }
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, feePayer: feePayer.address }));
});
