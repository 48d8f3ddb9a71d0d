// Builds bazaar declarations with the official @x402/extensions helpers, for x402j to compare its
// own against. X402J_CASES is a JSON list of {config, enrich?: {method, routePattern, path}};
// prints {results: [{declared, enriched?}, …]}: declareDiscoveryExtension(config).bazaar and, when
// asked, bazaarResourceServerExtension.enrichDeclaration of it for that request.
import { declareDiscoveryExtension, bazaarResourceServerExtension } from "@x402/extensions/bazaar";

const cases = JSON.parse(process.env.X402J_CASES);
const out = cases.map(({ config, enrich }) => {
  const declared = declareDiscoveryExtension(config).bazaar;
  if (!enrich) {
    return { declared };
  }
  const context = {
    method: enrich.method,
    routePattern: enrich.routePattern,
    adapter: { getPath: () => enrich.path },
  };
  return { declared, enriched: bazaarResourceServerExtension.enrichDeclaration(declared, context) };
});
console.log(JSON.stringify({ results: out }));
