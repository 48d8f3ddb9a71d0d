package io.x402j.interop;

import io.x402j.devnet.NodeProject;
import java.io.IOException;
import java.nio.file.Path;

/** The interop tests' Node project ({@code src/test/node}): the official SDKs, pinned. */
final class Node {
  private Node() {}

  static NodeProject project() throws IOException, InterruptedException {
    return NodeProject.install(Path.of("src", "test", "node"), System.getenv());
  }
}
