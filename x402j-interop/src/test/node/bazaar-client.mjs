// The official Bazaar discovery client: withBazaar(new HTTPFacilitatorClient({url})) from
// @x402/extensions. "list" calls extensions.bazaar.listResources(PARAMS), "search" calls
// extensions.bazaar.search(PARAMS); PARAMS is a JSON object. Prints the answer, or {"error": …}.
import { HTTPFacilitatorClient } from "@x402/core/server";
import { withBazaar } from "@x402/extensions/bazaar";

const [operation, url, params = "{}"] = process.argv.slice(2);
const client = withBazaar(new HTTPFacilitatorClient({ url }));
try {
  const parsed = JSON.parse(params);
  const answer =
    operation === "search"
      ? await client.extensions.bazaar.search(parsed)
      : await client.extensions.bazaar.listResources(parsed);
  console.log(JSON.stringify(answer));
} catch (e) {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
}
