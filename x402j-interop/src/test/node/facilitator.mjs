// The official TypeScript facilitator (@x402/core + @x402/evm), over HTTP, for protocol v1 and v2,
// on the chain at X402J_TEST_RPC (a devnet mirroring Base Sepolia). Gas is paid with the key in
// X402J_GAS_KEY. Prints {"url": …} once it listens.
import http from "node:http";
import { createWalletClient, http as httpTransport, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { baseSepolia } from "viem/chains";
import { x402Facilitator } from "@x402/core/facilitator";
import { registerExactEvmScheme } from "@x402/evm/exact/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";

const account = privateKeyToAccount(process.env.X402J_GAS_KEY);
const chain = { ...baseSepolia, rpcUrls: { default: { http: [process.env.X402J_TEST_RPC] } } };
const wallet = createWalletClient({ account, chain, transport: httpTransport(process.env.X402J_TEST_RPC) }).extend(publicActions);
const signer = toFacilitatorEvmSigner({
  address: account.address,
  readContract: (args) => wallet.readContract({ ...args, args: args.args || [] }),
  verifyTypedData: (args) => wallet.verifyTypedData(args),
  writeContract: (args) => wallet.writeContract({ ...args, args: args.args || [] }),
  sendTransaction: (args) => wallet.sendTransaction(args),
  waitForTransactionReceipt: (args) => wallet.waitForTransactionReceipt(args),
  getCode: (args) => wallet.getCode(args),
});
const facilitator = registerExactEvmScheme(new x402Facilitator(), { signer, networks: ["eip155:84532"] });

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
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, signer: account.address }));
});
