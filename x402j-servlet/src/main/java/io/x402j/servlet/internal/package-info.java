/** Implementation of the servlet filter; not part of the x402j API. */
package io.x402j.servlet.internal;
