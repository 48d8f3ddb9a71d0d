package io.x402j.devnet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.x402j.evm.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  /**
   * The runtime code of a contract with its immutable variables written in, as its constructor
   * would have written them: for installing the code at a fixed address without running the
   * constructor there.
   *
   * @param values each immutable variable's name and its 32-byte word
   * @throws IllegalArgumentException if a value is missing, unknown or not 32 bytes
   */
  public byte[] deployedBytecode(String contract, Map<String, byte[]> values) {
    byte[] code = deployedBytecode(contract);
    JsonNode immutables = contract(contract).path("immutables");
    Set<String> names = new TreeSet<>();
    immutables.fieldNames().forEachRemaining(names::add);
    if (!names.equals(new TreeSet<>(values.keySet()))) {
      throw new IllegalArgumentException(
          contract + " has immutables " + names + ", given " + new TreeSet<>(values.keySet()));
    }
    for (String name : names) {
      byte[] value = values.get(name);
      if (value.length != 32) {
        throw new IllegalArgumentException(name + " must be a 32-byte word");
      }
      for (JsonNode range : immutables.path(name)) {
        int start = range.path("start").asInt();
        if (range.path("length").asInt() != 32 || start < 0 || start + 32 > code.length) {
          throw new IllegalStateException("bad immutable reference " + range + " in " + contract);
        }
        System.arraycopy(value, 0, code, start, 32);
      }
    }
    return code;
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
