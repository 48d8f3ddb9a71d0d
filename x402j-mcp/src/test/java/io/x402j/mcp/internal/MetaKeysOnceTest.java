package io.x402j.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key repeated in {@code params._meta} is refused where the message is read: the MCP SDK's mapper
 * (Jackson) keeps the last copy without a word, so {@code {"x402/payment": A, "x402/payment": B}}
 * is paid with B while anything else reading the message may see A.
 */
class MetaKeysOnceTest {
  static final MetaKeysOnce MAPPER = new MetaKeysOnce(McpJsonDefaults.getMapper());

  static String call(String meta, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
        + "\"arguments\":"
        + arguments
        + ",\"_meta\":"
        + meta
        + "}}";
  }

  @Test
  void theSdksOwnMapperKeepsTheLastCopySilently() throws IOException {
    // Why the check exists: without it, one copy of the payment disappears without a word.
    McpSchema.JSONRPCRequest request =
        (McpSchema.JSONRPCRequest)
            McpSchema.deserializeJsonRpcMessage(
                McpJsonDefaults.getMapper(),
                call("{\"x402/payment\":{\"n\":\"A\"},\"x402/payment\":{\"n\":\"B\"}}", "{}"));
    assertThat(request.params().toString()).contains("n=B").doesNotContain("n=A");
  }

  @Test
  void aPaymentKeyTwiceInMetaIsRefusedNamingIt() {
    String twice = call("{\"x402/payment\":{\"n\":\"A\"},\"x402/payment\":{\"n\":\"B\"}}", "{}");
    assertThatThrownBy(() -> McpSchema.deserializeJsonRpcMessage(MAPPER, twice))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "params._meta repeats the key 'x402/payment'; send each key, and the payment, once");
    assertThatThrownBy(() -> MAPPER.readValue(twice.getBytes(StandardCharsets.UTF_8), Map.class))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aKeyRepeatedInsideThePaymentIsRefusedToo() throws IOException {
    String inside =
        call(
            "{\"x402/payment\":{\"payload\":{\"authorization\":{\"nonce\":\"0x1\","
                + "\"nonce\":\"0x2\"}}}}",
            "{}");
    assertThat(MetaKeysOnce.repeated(inside))
        .contains(
            "params._meta['x402/payment']['payload']['authorization'] repeats the key 'nonce';"
                + " send each key, and the payment, once");
  }

  @Test
  void aRepeatedMetaOrParamsIsRefusedThoughEachHoldsThePaymentOnce() throws IOException {
    // Each _meta (each params) holds one payment, so a check of the keys within _meta alone sees
    // nothing repeated; Jackson keeps the last _meta and pays with B, a reader keeping the first
    // sees A.
    String twoMetas =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
            + "\"_meta\":{\"x402/payment\":{\"n\":\"A\"}},"
            + "\"_meta\":{\"x402/payment\":{\"n\":\"B\"}}}}";
    assertThat(MetaKeysOnce.repeated(twoMetas))
        .contains("params repeats the key '_meta'; send each key, and the payment, once");
    assertThatThrownBy(() -> McpSchema.deserializeJsonRpcMessage(MAPPER, twoMetas))
        .isInstanceOf(IOException.class);
    String twoParams =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"t\",\"_meta\":{\"x402/payment\":{\"n\":\"A\"}}},"
            + "\"params\":{\"name\":\"t\",\"_meta\":{\"x402/payment\":{\"n\":\"B\"}}}}";
    assertThat(MetaKeysOnce.repeated(twoParams))
        .contains("the message repeats the key 'params'; send each key, and the payment, once");
    // The tool priced is the tool called: a name sent twice could be priced as one, read as
    // another.
    assertThat(
            MetaKeysOnce.repeated(
                "[" + twoMetas.replace("\"name\":\"t\",", "\"name\":\"t\",\"name\":\"u\",") + "]"))
        .contains("[].params repeats the key 'name'; send each key, and the payment, once");
    // A key spelt with escapes is the same key.
    assertThat(MetaKeysOnce.repeated(call("{\"x402/payment\":1,\"\\u0078402\\/payment\":2}", "{}")))
        .contains(
            "params._meta repeats the key 'x402/payment'; send each key, and the payment, once");
  }

  @Test
  void keysRepeatedOutsideMetaAndCleanMessagesAreLeftToTheSdk() throws IOException {
    String once = call("{\"x402/payment\":{\"n\":\"A\"},\"trace\":{\"n\":\"A\"}}", "{}");
    assertThat(MetaKeysOnce.repeated(once)).isEmpty();
    assertThat(MetaKeysOnce.repeated(call("{}", "{\"city\":\"a\",\"city\":\"b\"}"))).isEmpty();
    assertThat(McpSchema.deserializeJsonRpcMessage(MAPPER, once))
        .isInstanceOf(McpSchema.JSONRPCRequest.class);
    // Not JSON: the SDK's mapper says why.
    assertThat(MetaKeysOnce.repeated("{\"params\":{\"_meta\":")).isEmpty();
    assertThatThrownBy(() -> McpSchema.deserializeJsonRpcMessage(MAPPER, "{\"params\":"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anArrayOfMessagesIsCheckedElementByElement() throws IOException {
    String batch = "[" + call("{\"k\":1,\"k\":2}", "{}") + "]";
    assertThat(MetaKeysOnce.repeated(batch)).hasValueSatisfying(r -> r.contains("'k'"));
  }
}
