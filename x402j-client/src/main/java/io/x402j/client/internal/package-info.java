/** Implementation of the paying client; not part of the x402j API. */
package io.x402j.client.internal;
