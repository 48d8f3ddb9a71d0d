// An official Express resource server whose route declares bazaar discovery:
// GET /weather/:city ($0.01 on eip155:84532 to X402J_PAY_TO) with declareDiscoveryExtension and the
// bazaar server extension registered, so each 402 is enriched (method, routeTemplate, pathParams).
// The facilitator at X402J_FACILITATOR_URL is only asked /supported. Prints {"url": …}.
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { bazaarResourceServerExtension, declareDiscoveryExtension } from "@x402/extensions/bazaar";

const resourceServer = new x402ResourceServer(
  new HTTPFacilitatorClient({ url: process.env.X402J_FACILITATOR_URL }),
).register("eip155:84532", new ExactEvmScheme());
resourceServer.registerExtension(bazaarResourceServerExtension);

const routes = {
  "GET /weather/:city": {
    accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo: process.env.X402J_PAY_TO },
    description: "Weather by city from the official Express server",
    mimeType: "application/json",
    extensions: {
      ...declareDiscoveryExtension({
        input: { units: "metric" },
        inputSchema: { properties: { units: { type: "string" } } },
        output: { example: { temperature: 21 }, schema: { properties: { temperature: { type: "number" } } } },
      }),
    },
  },
};

const app = express();
app.use(paymentMiddleware(routes, resourceServer));
app.get("/weather/:city", (req, res) => res.json({ city: req.params.city, temperature: 21 }));
const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
