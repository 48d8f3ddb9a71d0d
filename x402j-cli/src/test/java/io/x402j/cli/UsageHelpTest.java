package io.x402j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help reads as written: no unresolved or unset placeholders leak into it. */
class UsageHelpTest {
  private static void collect(CommandLine command, List<CommandLine> all) {
    all.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, all));
  }

  @Test
  void noCommandsHelpShowsNullOrAPlaceholder() {
    List<CommandLine> commands = new ArrayList<>();
    collect(X402j.commandLine(), commands);
    assertThat(commands).hasSizeGreaterThan(8);
    for (CommandLine command : commands) {
      StringWriter help = new StringWriter();
      command.usage(new PrintWriter(help));
      assertThat(help.toString())
          .as(command.getCommandSpec().qualifiedName())
          .doesNotContainPattern("\\bnull\\b")
          .doesNotContainPattern("\\$\\{(?!ENV_VAR\\})") // an unresolved variable
          .doesNotContainPattern("=<[A-Za-z]+>"); // picocli's label from a field name
    }
  }

  @Test
  void rpcUrlHelpSaysVariablesMayBeUsed() {
    StringWriter help = new StringWriter();
    X402j.commandLine().getSubcommands().get("facilitator").usage(new PrintWriter(help));
    // It said "May be null." where it meant ${ENV_VAR}.
    assertThat(help.toString()).contains("$" + "{ENV_VAR}").doesNotContain("May be null");
  }
}
