package io.x402j.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.x402j.devnet.internal.AnvilLocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnvilLocatorTest {
  @Test
  void withoutAnvilOrNpmTheMessageSaysWhatToInstall(@TempDir Path cache) {
    AnvilLocator locator =
        new AnvilLocator(Map.of("PATH", "/nonexistent", "X402J_CACHE", cache.toString()));

    assertThatThrownBy(locator::locate)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("install Node.js and npm")
        .hasMessageContaining("X402J_ANVIL");
  }

  @Test
  void aConfiguredPathMustExist() {
    AnvilLocator locator = new AnvilLocator(Map.of("X402J_ANVIL", "/nonexistent/anvil"));
    assertThatThrownBy(locator::locate)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("X402J_ANVIL is set to /nonexistent/anvil");
  }

  @Test
  void cacheDirectoryFollowsXdgAndOverride() {
    assertThat(new AnvilLocator(Map.of("XDG_CACHE_HOME", "/tmp/xdg")).cacheDirectory())
        .isEqualTo(Path.of("/tmp/xdg/x402j/anvil-1.7.1"));
    assertThat(new AnvilLocator(Map.of("X402J_CACHE", "/tmp/c")).cacheDirectory())
        .isEqualTo(Path.of("/tmp/c/anvil-1.7.1"));
  }
}
