/**
 * The x402j payment gate as a Jakarta Servlet filter: {@link io.x402j.servlet.PaymentFilter}
 * answers unpaid requests to paid routes with 402, buffers a paid request's response, and releases
 * it only once its payment is settled.
 */
package io.x402j.servlet;
