// An official Express resource server declaring Bazaar discovery: GET /weather ($0.01) with
// @x402/express and declareDiscoveryExtension + bazaarResourceServerExtension from
// @x402/extensions, on Base Sepolia (a devnet mirroring it), paying X402J_PAY_TO, through the
// facilitator at X402J_FACILITATOR_URL. Prints {"url": …} once it listens.
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { bazaarResourceServerExtension, declareDiscoveryExtension } from "@x402/extensions/bazaar";

const payTo = process.env.X402J_PAY_TO;
const facilitatorUrl = process.env.X402J_FACILITATOR_URL;

const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }))
  .register("eip155:84532", new ExactEvmScheme())
  .registerExtension(bazaarResourceServerExtension);

const routes = {
  "GET /weather": {
    accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo },
    description: "Foggy weather reports from the official Express server",
    mimeType: "application/json",
    serviceName: "Official Weather",
    tags: ["weather", "forecast"],
    extensions: {
      ...declareDiscoveryExtension({
        input: { city: "San Francisco" },
        inputSchema: { properties: { city: { type: "string" } }, required: ["city"] },
        output: { example: { weather: "foggy", temperature: 60 } },
      }),
    },
  },
};

const app = express();
app.use(paymentMiddleware(routes, resourceServer));
app.get("/weather", (req, res) => res.json({ weather: "foggy", server: "official bazaar" }));

const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
