package io.x402j.evm.rpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.List;

/**
 * Writes the body of a JSON-RPC 2.0 request: one call as a plain object, several as a batch array,
 * with consecutive ids from the one given. A {@link BigInteger} parameter goes as a {@code 0x} hex
 * quantity, as EVM nodes expect; any other parameter as Jackson writes it. Thread-safe.
 */
final class RpcRequestWriter {
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * The request body for {@code calls}, numbered from {@code firstId}.
   *
   * @throws IllegalArgumentException when a parameter cannot be written as JSON
   */
  String encode(List<RpcCall> calls, long firstId) {
    StringWriter out = new StringWriter(128 * calls.size());
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      // A single call goes as a plain object: some nodes handle batches less well.
      boolean batch = calls.size() > 1;
      if (batch) {
        json.writeStartArray();
      }
      for (int i = 0; i < calls.size(); i++) {
        json.writeStartObject();
        json.writeStringField("jsonrpc", "2.0");
        json.writeNumberField("id", firstId + i);
        json.writeStringField("method", calls.get(i).method());
        json.writeArrayFieldStart("params");
        for (Object param : calls.get(i).params()) {
          if (param instanceof BigInteger) {
            json.writeString("0x" + ((BigInteger) param).toString(16));
          } else {
            mapper.writeValue(json, param);
          }
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      if (batch) {
        json.writeEndArray();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("RPC parameters cannot be written as JSON", e);
    }
    return out.toString();
  }
}
