/** Implementation of sign-in-with-x for sellers. Not part of the x402j API. */
package io.x402j.server.siwx.internal;
