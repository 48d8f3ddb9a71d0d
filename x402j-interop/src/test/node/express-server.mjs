// Official Express resource servers: GET /weather ($0.01) with @x402/express (v2) and
// GET /v1/weather ($0.01) with x402-express (v1), on Base Sepolia (a devnet mirroring it), paying
// X402J_PAY_TO, through the facilitator at X402J_FACILITATOR_URL. Prints {"url": …} once it listens.
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { paymentMiddleware as paymentMiddlewareV1 } from "x402-express";

const payTo = process.env.X402J_PAY_TO;
const facilitatorUrl = process.env.X402J_FACILITATOR_URL;

const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl })).register(
  "eip155:84532",
  new ExactEvmScheme(),
);

const app = express();
app.use(
  paymentMiddleware(
    {
      "GET /weather": {
        accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo },
        description: "Weather from the official Express server",
        mimeType: "application/json",
      },
    },
    resourceServer,
  ),
);
app.use(
  paymentMiddlewareV1(
    payTo,
    { "GET /v1/weather": { price: "$0.01", network: "base-sepolia", config: { description: "Weather, v1" } } },
    { url: facilitatorUrl },
  ),
);
app.get("/weather", (req, res) => res.json({ weather: "sunny", server: "official v2" }));
app.get("/v1/weather", (req, res) => res.json({ weather: "sunny", server: "official v1" }));

const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
