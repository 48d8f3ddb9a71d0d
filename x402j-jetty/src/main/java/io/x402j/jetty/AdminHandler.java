package io.x402j.jetty;

/**
 * Answers one admin path with a page or JSON. Runs on a request thread of the admin listener, which
 * may block (a ledger query); an {@link AdminRequest.BadParameter} it throws becomes a 400 naming
 * the parameter, any other exception a 500 without its message (messages can carry secrets).
 */
@FunctionalInterface
public interface AdminHandler {
  /** The response to {@code request}. */
  AdminResponse handle(AdminRequest request) throws Exception;
}
