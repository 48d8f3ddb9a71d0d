package io.x402j.jetty;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A GET to the admin listener as a handler sees it: the path and the query parameters (decoded,
 * first value of each). Every value comes from outside: validate before use, escape before showing
 * ({@link Html}).
 */
public final class AdminRequest {
  private final String path;
  private final Map<String, List<String>> parameters;

  /** A request for {@code path} with {@code parameters} (name to values, in order). */
  public AdminRequest(String path, Map<String, List<String>> parameters) {
    this.path = Objects.requireNonNull(path, "path");
    this.parameters = Map.copyOf(parameters);
  }

  /** The path, e.g. {@code /settlements}. */
  public String path() {
    return path;
  }

  /** Every parameter with its values. */
  public Map<String, List<String>> parameters() {
    return parameters;
  }

  /** The first value of parameter {@code name}, absent when missing or blank. */
  public Optional<String> parameter(String name) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty() || values.get(0).isBlank()) {
      return Optional.empty();
    }
    return Optional.of(values.get(0).strip());
  }

  /**
   * Parameter {@code name} as an integer in {@code [min, max]}, {@code fallback} when absent.
   *
   * @throws BadParameter when present but not such a number
   */
  public int intParameter(String name, int fallback, int min, int max) {
    Optional<String> value = parameter(name);
    if (value.isEmpty()) {
      return fallback;
    }
    String text = value.get();
    if (text.length() > 10 || !text.matches("-?[0-9]+")) {
      throw new BadParameter(name, "must be a whole number from " + min + " to " + max);
    }
    long n = Long.parseLong(text);
    if (n < min || n > max) {
      throw new BadParameter(name, "must be a whole number from " + min + " to " + max);
    }
    return (int) n;
  }

  /**
   * A parameter a handler cannot use; the listener answers 400 with the parameter's name and the
   * message, never the value that was sent.
   */
  public static final class BadParameter extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The parameter's name. */
    private final String parameter;

    /**
     * @param parameter the parameter's name
     * @param problem what is wrong, without the value sent (it is shown to whoever sent it)
     */
    public BadParameter(String parameter, String problem) {
      super(parameter + ": " + problem, null, false, false);
      this.parameter = Objects.requireNonNull(parameter, "parameter");
    }

    /** The parameter's name. */
    public String parameter() {
      return parameter;
    }
  }
}
