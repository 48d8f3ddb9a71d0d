/** The Solana settlement engine of the exact scheme, plugged into the shared settlement core. */
package io.x402j.svm.facilitator;
