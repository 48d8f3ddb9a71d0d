/**
 * The seller's sales record ({@link io.x402j.sales.JdbcSalesRecord}), the seller's Prometheus
 * metrics ({@link io.x402j.sales.SalesMetrics}) and the seller dashboard ({@link
 * io.x402j.sales.SellerDashboard}).
 */
package io.x402j.sales;
