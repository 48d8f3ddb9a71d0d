/** Implementation of x402 over MCP; not part of the API. */
package io.x402j.mcp.internal;
