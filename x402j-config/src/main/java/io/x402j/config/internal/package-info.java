/** Implementation details of x402j-config. Not part of the API; may change in any release. */
package io.x402j.config.internal;
