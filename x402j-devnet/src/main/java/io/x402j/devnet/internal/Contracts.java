package io.x402j.devnet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.evm.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The compiled devnet contracts, from the committed artifact {@code contracts.json} that {@code
 * x402j-devnet/solidity/compile.mjs} writes. Not part of the x402j API.
 */
public final class Contracts {
  private static final String RESOURCE = "/io/x402j/devnet/contracts.json";

  private final JsonNode artifact;

  private Contracts(JsonNode artifact) {
    this.artifact = artifact;
  }

  /** Loads the artifact from the class path. */
  public static Contracts load() {
    try (InputStream in = Contracts.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return new Contracts(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The creation code of a contract. */
  public byte[] bytecode(String contract) {
    return Hex.decode(contract(contract).path("bytecode").asText());
  }

  /** The runtime code of a contract. */
  public byte[] deployedBytecode(String contract) {
    return Hex.decode(contract(contract).path("deployedBytecode").asText());
  }

  /** The SHA-256 of each Solidity source the artifact was compiled from. */
  public JsonNode sourceSha256() {
    return artifact.path("sourceSha256");
  }

  private JsonNode contract(String name) {
    JsonNode node = artifact.path("contracts").get(name);
    if (node == null) {
      throw new IllegalArgumentException("the artifact has no contract " + name);
    }
    return node;
  }
}
