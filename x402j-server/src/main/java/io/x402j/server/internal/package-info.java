/** Implementation of the payment gate; not part of the x402j API. */
package io.x402j.server.internal;
