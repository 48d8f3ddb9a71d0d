// The official TypeScript facilitator (@x402/core + @x402/evm), over HTTP, for protocol v1 and v2,
// on the chain at X402J_TEST_RPC (a devnet mirroring Base Sepolia). Gas is paid with the key in
// X402J_GAS_KEY. Serves "exact" (EIP-3009 and Permit2, with EIP-2612 gas sponsoring) and "upto"
// (Permit2), and the erc20ApprovalGasSponsoring extension through an extension signer made here
// with viem (the SDK leaves that signer to the operator): it tops up the payer's gas when short,
// broadcasts the payer's signed approve() and then sends the settlement. Prints {"url": …} once it
// listens.
import http from "node:http";
import { createWalletClient, http as httpTransport, parseTransaction, publicActions, recoverTransactionAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { baseSepolia } from "viem/chains";
import { x402Facilitator } from "@x402/core/facilitator";
import { registerExactEvmScheme } from "@x402/evm/exact/facilitator";
import { UptoEvmScheme } from "@x402/evm/upto/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { createErc20ApprovalGasSponsoringExtension } from "@x402/extensions";

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

// The extension signer of erc20ApprovalGasSponsoring: the approve() first, then the settlement.
const extensionSigner = {
  ...signer,
  async sendTransactions(transactions) {
    const hashes = [];
    for (const t of transactions) {
      if (typeof t === "string") {
        const tx = parseTransaction(t);
        const payer = await recoverTransactionAddress({ serializedTransaction: t });
        const needed = (tx.gas ?? 0n) * (tx.maxFeePerGas ?? tx.gasPrice ?? 0n);
        const balance = await wallet.getBalance({ address: payer });
        if (balance < needed) {
          const fund = await wallet.sendTransaction({ to: payer, value: needed - balance });
          await wallet.waitForTransactionReceipt({ hash: fund });
        }
        const hash = await wallet.sendRawTransaction({ serializedTransaction: t });
        await wallet.waitForTransactionReceipt({ hash });
        hashes.push(hash);
      } else {
        hashes.push(await wallet.sendTransaction({ to: t.to, data: t.data, gas: t.gas }));
      }
    }
    return hashes;
  },
};
const facilitator = registerExactEvmScheme(new x402Facilitator(), { signer, networks: ["eip155:84532"] })
  .register(["eip155:84532"], new UptoEvmScheme(signer))
  .registerExtension(createErc20ApprovalGasSponsoringExtension(extensionSigner));

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
