// An official Express resource server: GET /weather ($0.01) with @x402/express and the @x402/svm
// exact server scheme, on Solana devnet (x402j's local one), paying X402J_PAY_TO (a base58 owner)
// through the facilitator at X402J_FACILITATOR_URL; X402J_SOLANA_RPC lets the server hint a recent
// blockhash. Prints {"url": …} once it listens.
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactSvmScheme } from "@x402/svm/exact/server";

const network = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
const payTo = process.env.X402J_PAY_TO;
const resourceServer = new x402ResourceServer(
  new HTTPFacilitatorClient({ url: process.env.X402J_FACILITATOR_URL }),
).register(network, new ExactSvmScheme({ rpcUrl: process.env.X402J_SOLANA_RPC }));

const app = express();
app.use(
  paymentMiddleware(
    {
      "GET /weather": {
        accepts: { scheme: "exact", price: "$0.01", network, payTo },
        description: "Weather from the official Express server, on Solana",
        mimeType: "application/json",
      },
    },
    resourceServer,
  ),
);
app.get("/weather", (req, res) => res.json({ weather: "sunny", server: "official svm" }));

const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
