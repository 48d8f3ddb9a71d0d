// An official Express resource server with official extensions, paying X402J_PAY_TO ($0.01 exact on
// eip155:84532) through the facilitator at X402J_FACILITATOR_URL:
//   GET /report   sign-in-with-x, the official server side (@x402/extensions
//                 createSIWxResourceServerExtension + declareSIWxExtension, InMemorySIWxStorage): a
//                 wallet that paid signs in instead of paying again. Answers the SIWX events seen.
//   GET /with-id  payment-identifier required (declarePaymentIdentifierExtension(true)); the id of
//                 every payment the server is asked to verify is read with the official
//                 extractPaymentIdentifier in an onBeforeVerify hook;
//   GET /ids      (free) those ids.
// The origin sign-ins must name is the server's own, so it listens first. Prints {"url": …}.
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import {
  InMemorySIWxStorage,
  createSIWxResourceServerExtension,
  declareSIWxExtension,
} from "@x402/extensions/sign-in-with-x";
import {
  declarePaymentIdentifierExtension,
  extractPaymentIdentifier,
} from "@x402/extensions/payment-identifier";

const payTo = process.env.X402J_PAY_TO;
const facilitatorUrl = process.env.X402J_FACILITATOR_URL;
const events = [];
const ids = [];

const app = express();
const server = app.listen(0, "127.0.0.1", () => {
  const origin = `http://127.0.0.1:${server.address().port}`;
  const storage = new InMemorySIWxStorage();
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }))
    .register("eip155:84532", new ExactEvmScheme())
    .registerExtension(
      createSIWxResourceServerExtension({ storage, origin, onEvent: (e) => events.push(e) }),
    )
    .onBeforeVerify(async (ctx) => {
      ids.push(extractPaymentIdentifier(ctx.paymentPayload) ?? null);
    });
  const routes = {
    "GET /report": {
      accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo },
      description: "A report; paying once lets the wallet sign in afterwards",
      mimeType: "application/json",
      extensions: declareSIWxExtension({ statement: "Sign in to read the report you paid for" }),
    },
    "GET /with-id": {
      accepts: { scheme: "exact", price: "$0.01", network: "eip155:84532", payTo },
      description: "Paid with a payment identifier",
      mimeType: "application/json",
      extensions: { "payment-identifier": declarePaymentIdentifierExtension(true) },
    },
  };
  app.use(paymentMiddleware(routes, resourceServer));
  app.get("/ids", (req, res) => res.json({ ids }));
  app.get("/report", (req, res) => res.json({ report: "ok", events: events.map((e) => e.type) }));
  app.get("/with-id", (req, res) => res.json({ paid: "ok" }));
  console.log(JSON.stringify({ url: origin }));
});
