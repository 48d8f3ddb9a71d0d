package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.evm.EvmAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevnetInfoTest {
  private static final String KEY =
      "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

  private static DevnetInfo info(Duration blockTime, boolean extras) {
    return new DevnetInfo(
        "http://127.0.0.1:8545",
        84532,
        EvmAddress.parse("0x5FbDB2315678afecb367f032d93F642f64180aa3"),
        "Test Dollar",
        "TUSD",
        "1",
        6,
        List.of(
            new DevnetAccount(
                "buyer", EvmAddress.parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"), KEY)),
        blockTime,
        extras ? DevnetInfo.Permit2Contracts.CANONICAL : null,
        extras ? Devnet.ERC6492_FACTORY : null,
        extras ? EvmAddress.parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512") : null);
  }

  @Test
  void jsonReadsBackWithAndWithoutTheOptionalParts() {
    for (DevnetInfo info :
        List.of(info(null, false), info(Duration.ofSeconds(2), true), info(null, true))) {
      assertThat(DevnetInfo.fromJson(info.toJson())).isEqualTo(info);
    }
    assertThat(info(null, false).permit2()).isEmpty();
    assertThatThrownBy(() -> info(null, false).plainToken())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void permit2AddressesAreCheckedAndChecksummed() {
    assertThat(
            new DevnetInfo.Permit2Contracts(
                    "0x000000000022d473030f116ddee9f6b43ac78ba3",
                    "0x402085c248eea27d92e8b30b2c58ed07f9e20001",
                    "0x4020a4f3b7b90cca423b9fabcc0ce57c6c240002")
                .equals(DevnetInfo.Permit2Contracts.CANONICAL))
        .isTrue();
    assertThatThrownBy(() -> new DevnetInfo.Permit2Contracts("0x12", "0x12", "0x12"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBadFieldIsNamed() {
    String json = info(null, true).toJson();
    assertThatThrownBy(
            () ->
                DevnetInfo.fromJson(
                    json.replace(
                        "\"exactProxy\":\"0x402085c248EeA27D92E8b30b2C58ed07f9E20001\"",
                        "\"exactProxy\":\"0x4020\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permit2.exactProxy");
    assertThatThrownBy(
            () -> DevnetInfo.fromJson(json.replace("\"chainId\":84532", "\"chainId\":-1")))
        .hasMessageContaining("chainId");
    assertThatThrownBy(() -> DevnetInfo.fromJson("[]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> DevnetInfo.fromJson("{")).hasMessageContaining("not JSON");
  }
}
