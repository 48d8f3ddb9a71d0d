package io.x402j.mcp.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command given as one string ({@code --upstream-command "node server.js --port 1"}) into
 * its words the way a POSIX shell would for plain words: whitespace separates them, single quotes
 * keep everything literally, double quotes keep whitespace (a backslash escapes {@code "} and
 * {@code \} inside them), and a backslash outside quotes escapes the next character. Nothing is
 * expanded: no variables, globs or redirections.
 */
public final class CommandWords {
  private CommandWords() {}

  /**
   * The words of {@code command}.
   *
   * @throws IllegalArgumentException if a quote is not closed or there is no word
   */
  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    int n = command.length();
    while (i < n) {
      char c = command.charAt(i);
      if (c == '\'') {
        int end = command.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("the command has an unclosed ' quote");
        }
        word.append(command, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char d = command.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\'
              && i + 1 < n
              && (command.charAt(i + 1) == '"' || command.charAt(i + 1) == '\\')) {
            word.append(command.charAt(i + 1));
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
        if (!closed) {
          throw new IllegalArgumentException("the command has an unclosed \" quote");
        }
        inWord = true;
      } else if (c == '\\' && i + 1 < n) {
        word.append(command.charAt(i + 1));
        inWord = true;
        i += 2;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("the command is empty");
    }
    return words;
  }
}
