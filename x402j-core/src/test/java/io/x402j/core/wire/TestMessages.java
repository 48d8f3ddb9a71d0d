package io.x402j.core.wire;

/** Valid x402 messages as JSON text, shared by the tests. */
public final class TestMessages {
  private TestMessages() {}

  public static final String V2_REQUIREMENT =
      "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"10000\","
          + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
          + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":60,"
          + "\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}";
  public static final String V1_REQUIREMENT =
      "{\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"maxAmountRequired\":\"10000\","
          + "\"resource\":\"https://api.example.com/premium-data\",\"description\":\"Premium\","
          + "\"mimeType\":\"application/json\","
          + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":60,"
          + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
          + "\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}";
  public static final String EVM_PAYLOAD =
      "{\"signature\":\"0x01\",\"authorization\":{\"from\":\"0x857b06519E91e3A54538791bDbb0E22373e36b66\","
          + "\"to\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"value\":\"10000\","
          + "\"validAfter\":\"0\",\"validBefore\":\"1740672154\",\"nonce\":\"0x01\"}}";

  public static String v2Request() {
    return "{\"x402Version\":2,\"paymentPayload\":{\"x402Version\":2,\"accepted\":"
        + V2_REQUIREMENT
        + ",\"payload\":"
        + EVM_PAYLOAD
        + "},\"paymentRequirements\":"
        + V2_REQUIREMENT
        + "}";
  }

  public static String v1Request() {
    return "{\"x402Version\":1,\"paymentPayload\":{\"x402Version\":1,\"scheme\":\"exact\","
        + "\"network\":\"base-sepolia\",\"payload\":"
        + EVM_PAYLOAD
        + "},\"paymentRequirements\":"
        + V1_REQUIREMENT
        + "}";
  }
}
