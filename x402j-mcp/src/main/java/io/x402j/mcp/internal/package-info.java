/** Internals of x402j-mcp; not part of the x402j API. */
package io.x402j.mcp.internal;
