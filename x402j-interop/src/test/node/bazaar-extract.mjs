// Reads a payment as the official facilitator side does: X402J_PAYMENT is a PaymentPayload and
// X402J_REQUIREMENTS its requirements. Prints {validation, specValidation, info} with
// validateDiscoveryExtension and validateDiscoveryExtensionSpec of extensions.bazaar and
// extractDiscoveryInfo(payment, requirements, true) (null when it refuses).
import {
  extractDiscoveryInfo,
  validateDiscoveryExtension,
  validateDiscoveryExtensionSpec,
} from "@x402/extensions/bazaar";

const payment = JSON.parse(process.env.X402J_PAYMENT);
const requirements = JSON.parse(process.env.X402J_REQUIREMENTS);
const bazaar = payment.extensions?.bazaar;
console.log(
  JSON.stringify({
    validation: bazaar ? validateDiscoveryExtension(bazaar) : null,
    specValidation: bazaar ? validateDiscoveryExtensionSpec(bazaar) : null,
    info: extractDiscoveryInfo(payment, requirements, true),
  }),
);
