/**
 * x402 over MCP (the Model Context Protocol), on the official Java MCP SDK: tools sold per call, an
 * MCP gateway that sells another MCP server's tools, an MCP client that pays, and an MCP server
 * that gives an agent a wallet.
 */
package io.x402j.mcp;
