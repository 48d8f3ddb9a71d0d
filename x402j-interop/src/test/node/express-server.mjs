// Official Express resource servers: GET /weather ($0.01) with @x402/express (v2) and
// GET /v1/weather ($0.01) with x402-express (v1), on Base Sepolia (a devnet mirroring it), paying
// X402J_PAY_TO, through the facilitator at X402J_FACILITATOR_URL. With X402J_PERMIT2_ROUTES=1 also
// GET /permit2/weather ($0.01 "exact" by Permit2) and POST /infer ("upto" $0.10: the handler charges
// 100 atomic units per token it says it used, {"tokens": n} in the request, with the
// Settlement-Overrides header of @x402/express); the facilitator must then serve "upto".
// Prints {"url": …} once it listens.
import express from "express";
import { paymentMiddleware, setSettlementOverrides, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { UptoEvmScheme } from "@x402/evm/upto/server";
import { paymentMiddleware as paymentMiddlewareV1 } from "x402-express";

const payTo = process.env.X402J_PAY_TO;
const facilitatorUrl = process.env.X402J_FACILITATOR_URL;

const permit2Routes = process.env.X402J_PERMIT2_ROUTES === "1";
const usdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl })).register(
  "eip155:84532",
  new ExactEvmScheme(),
);
if (permit2Routes) {
  resourceServer.register("eip155:84532", new UptoEvmScheme());
}

const routes = {
  "GET /weather": {
    accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo },
    description: "Weather from the official Express server",
    mimeType: "application/json",
  },
};
if (permit2Routes) {
  routes["GET /permit2/weather"] = {
    accepts: {
      scheme: "exact",
      price: { amount: "10000", asset: usdc, extra: { name: "USDC", version: "2", assetTransferMethod: "permit2" } },
      network: "eip155:84532",
      payTo,
    },
    description: "Weather paid by Permit2",
    mimeType: "application/json",
  };
  routes["POST /infer"] = {
    accepts: { scheme: "upto", price: "$0.10", network: "eip155:84532", payTo },
    description: "Inference, charged per token used",
    mimeType: "application/json",
  };
}

const app = express();
app.use(express.json());
app.use(paymentMiddleware(routes, resourceServer));
app.use(
  paymentMiddlewareV1(
    payTo,
    { "GET /v1/weather": { price: "$0.01", network: "base-sepolia", config: { description: "Weather, v1" } } },
    { url: facilitatorUrl },
  ),
);
app.get("/weather", (req, res) => res.json({ weather: "sunny", server: "official v2" }));
app.get("/v1/weather", (req, res) => res.json({ weather: "sunny", server: "official v1" }));
app.get("/permit2/weather", (req, res) => res.json({ weather: "sunny", server: "official permit2" }));
app.post("/infer", (req, res) => {
  const tokens = Number(req.body?.tokens ?? 0);
  setSettlementOverrides(res, { amount: String(tokens * 100) });
  res.json({ tokens, server: "official upto" });
});

const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
