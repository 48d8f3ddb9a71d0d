// Builds an exact-scheme payload with the official @x402/svm client.
// argv[2]: JSON {secret: base58 64-byte keypair, x402Version, requirements, mint: {decimals, program}}
// The client reads the mint account over JSON-RPC: a tiny in-process RPC answers getAccountInfo
// with a mint of the given decimals owned by the given token program (and, if asked,
// getLatestBlockhash with requirements.extra.recentBlockhash). Prints {"transaction": base64}.
import http from "node:http";
import { createKeyPairSignerFromBytes, getBase58Encoder } from "@solana/kit";
import { ExactSvmScheme } from "@x402/svm/exact/client";

const input = JSON.parse(process.argv[2]);
const mintData = Buffer.alloc(82);
mintData.writeUInt8(input.mint.decimals, 44);
mintData.writeUInt8(1, 45); // initialized

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const call = JSON.parse(body);
    let result;
    if (call.method === "getAccountInfo") {
      result = {
        context: { slot: 1 },
        value: {
          data: [mintData.toString("base64"), "base64"],
          executable: false,
          lamports: 1461600,
          owner: input.mint.program,
          rentEpoch: 0,
          space: 82,
        },
      };
    } else if (call.method === "getLatestBlockhash") {
      result = {
        context: { slot: 1 },
        value: { blockhash: input.requirements.extra.recentBlockhash, lastValidBlockHeight: 100 },
      };
    } else {
      res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, error: { code: -32601, message: call.method } }));
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, result }));
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
try {
  const signer = await createKeyPairSignerFromBytes(
    new Uint8Array(getBase58Encoder().encode(input.secret)),
  );
  const scheme = new ExactSvmScheme(signer, {
    rpcUrl: `http://127.0.0.1:${server.address().port}`,
  });
  const { payload } = await scheme.createPaymentPayload(input.x402Version, input.requirements);
  console.log(JSON.stringify(payload));
} finally {
  server.close();
}
