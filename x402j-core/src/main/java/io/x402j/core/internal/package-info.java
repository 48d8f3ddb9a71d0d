/** Implementation details of x402j-core. Not part of the API; may change in any release. */
package io.x402j.core.internal;
