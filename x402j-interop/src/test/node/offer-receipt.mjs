// offer-receipt and builder-code with the official @x402/extensions, for X402J_CASE (JSON):
//   {key, resourceUrl, offerInput, receiptInput, artifacts: {name: signed offer/receipt}, suffixes:
//    [{a?, w?, s?}], facilitator: {builderCode?, serviceCode?, payloads: [paymentPayload]},
//    calldata: [hex]}
// and prints what the official code verified, signed, encoded and parsed.
import crypto from "node:crypto";
import { privateKeyToAccount } from "viem/accounts";
import {
  createOfferEIP712,
  createReceiptEIP712,
  createOfferJWS,
  createReceiptJWS,
  verifyOfferSignatureEIP712,
  verifyReceiptSignatureEIP712,
  verifyOfferSignatureJWS,
  verifyReceiptSignatureJWS,
} from "@x402/extensions/offer-receipt";
import {
  encodeBuilderCodeSuffix,
  parseBuilderCodeSuffixFromCalldata,
  BuilderCodeFacilitatorExtension,
} from "@x402/extensions/builder-code";

const c = JSON.parse(process.env.X402J_CASE);
const out = { verified: {}, signed: {}, suffixes: [], facilitator: [], parsed: [] };

for (const [name, artifact] of Object.entries(c.artifacts)) {
  try {
    const isReceipt = name.includes("receipt");
    if (artifact.format === "eip712") {
      const r = isReceipt
        ? await verifyReceiptSignatureEIP712(artifact)
        : await verifyOfferSignatureEIP712(artifact);
      out.verified[name] = { signer: r.signer, payload: r.payload };
    } else {
      const payload = isReceipt
        ? await verifyReceiptSignatureJWS(artifact)
        : await verifyOfferSignatureJWS(artifact);
      out.verified[name] = { payload };
    }
  } catch (e) {
    out.verified[name] = { error: String(e && e.message ? e.message : e) };
  }
}

const account = privateKeyToAccount(c.key);
const signTypedData = (args) => account.signTypedData(args);
out.signed.eip712Offer = await createOfferEIP712(c.resourceUrl, c.offerInput, signTypedData);
out.signed.eip712Receipt = await createReceiptEIP712(c.receiptInput, signTypedData);
const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519");
const jwk = publicKey.export({ format: "jwk" });
const kid = "did:jwk:" + Buffer.from(JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x })).toString("base64url") + "#0";
const jwsSigner = {
  kid,
  format: "jws",
  algorithm: "EdDSA",
  sign: async (input) => Buffer.from(crypto.sign(null, Buffer.from(input), privateKey)).toString("base64url"),
};
out.signed.jwsOffer = await createOfferJWS(c.resourceUrl, c.offerInput, jwsSigner);
out.signed.jwsReceipt = await createReceiptJWS(c.receiptInput, jwsSigner);
out.signer = account.address;

for (const data of c.suffixes) {
  out.suffixes.push(encodeBuilderCodeSuffix(data));
}
const facilitator = new BuilderCodeFacilitatorExtension(c.facilitator.config);
for (const paymentPayload of c.facilitator.payloads) {
  out.facilitator.push(facilitator.buildDataSuffix({ paymentPayload }) ?? null);
}
for (const calldata of c.calldata) {
  out.parsed.push(parseBuilderCodeSuffixFromCalldata(calldata) ?? null);
}
console.log(JSON.stringify(out));
