package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.x402j.devnet.internal.Contracts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed artifact must be compiled from the committed Solidity sources, and those sources
 * must be ours to ship in an Apache-2.0 jar.
 */
class ContractArtifactTest {
  private static final Pattern SPDX = Pattern.compile("SPDX-License-Identifier:\\s*([^\\r\\n*]+)");

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

  /**
   * The artifact ships in the jar, so no source compiled into it may be under a GPL-family licence
   * (AGPL, GPL, LGPL). Permit2's solmate imports were AGPL-3.0-only and are replaced by our shims
   * (third_party/README.md); this keeps such a file from coming back. Every Solidity file must say
   * its licence, and ours (outside third_party) are Apache-2.0.
   */
  @Test
  void noSourceIsUnderAGplFamilyLicence() throws Exception {
    Path root = Path.of("src/main/solidity");
    List<String> problems = new ArrayList<>();
    int solidity = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        String unit = root.relativize(file).toString().replace('\\', '/');
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        Matcher m = SPDX.matcher(text);
        while (m.find()) {
          ids.add(m.group(1).trim());
        }
        for (String id : ids) {
          if (id.toUpperCase(Locale.ROOT).contains("GPL")) {
            problems.add(unit + ": SPDX " + id);
          }
        }
        if (text.toUpperCase(Locale.ROOT)
            .matches("(?s).*GNU\\s+(AFFERO\\s+|LESSER\\s+)?GENERAL\\s+PUBLIC\\s+LICENSE.*")) {
          problems.add(unit + ": GNU licence text");
        }
        if (unit.endsWith(".sol")) {
          solidity++;
          if (ids.isEmpty()) {
            problems.add(unit + ": no SPDX-License-Identifier");
          } else if (!unit.startsWith("third_party/") && !ids.equals(List.of("Apache-2.0"))) {
            problems.add(unit + ": ours but SPDX " + ids);
          }
        }
      }
    }
    assertThat(solidity).as("Solidity files under %s", root).isPositive();
    assertThat(problems).isEmpty();
  }
}
