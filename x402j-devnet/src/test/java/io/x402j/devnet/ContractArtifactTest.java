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
    try (Stream<Path> sources = Files.list(Path.of("src/main/solidity"))) {
      for (Path source : (Iterable<Path>) sources.sorted()::iterator) {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source));
        assertThat(contracts.sourceSha256().path(source.getFileName().toString()).asText())
            .as("%s changed: run `npm ci && npm run build` in x402j-devnet/solidity", source)
            .isEqualTo(HexFormat.of().formatHex(digest));
      }
    }
    assertThat(contracts.bytecode("TestDollar")).isNotEmpty();
    assertThat(contracts.deployedBytecode("TestSmartWallet")).isNotEmpty();
  }
}
