package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.devnet.internal.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed artifact must be compiled from the committed Solidity sources. */
class ContractArtifactTest {
  @Test
  void artifactMatchesTheSources() throws Exception {
    Contracts contracts = Contracts.load();
    Path root = Path.of("src/main/solidity");
    int count = 0;
    try (Stream<Path> sources = Files.walk(root)) {
      for (Path source :
          (Iterable<Path>) sources.filter(p -> p.toString().endsWith(".sol")).sorted()::iterator) {
        count++;
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source));
        String unit = root.relativize(source).toString().replace('\\', '/');
        assertThat(contracts.sourceSha256().path(unit).asText())
            .as("%s changed: run `npm ci && npm run build` in x402j-devnet/solidity", source)
            .isEqualTo(HexFormat.of().formatHex(digest));
      }
    }
    assertThat(contracts.sourceSha256().size()).as("sources in the artifact").isEqualTo(count);
    assertThat(contracts.bytecode("TestDollar")).isNotEmpty();
    assertThat(contracts.deployedBytecode("Permit2")).isNotEmpty();
    assertThat(contracts.deployedBytecode("x402ExactPermit2Proxy")).isNotEmpty();
    assertThat(contracts.deployedBytecode("x402UptoPermit2Proxy")).isNotEmpty();
    assertThat(contracts.deployedBytecode("TestSmartWallet")).isNotEmpty();
  }
}
