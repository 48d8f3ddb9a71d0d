-- The seller's sales record: one row per event of a paid request (admitted, settled, refused,
-- pending). Append-only; the same SQL on SQLite and PostgreSQL. Amounts are atomic units kept
-- exactly as text, and split as amount = amount_hi * 10^9 + amount_lo for sums in SQL.
CREATE TABLE x402j_sales (
  event_id   VARCHAR(36)  NOT NULL PRIMARY KEY,
  at_ms      BIGINT       NOT NULL,
  state      VARCHAR(16)  NOT NULL,
  method     VARCHAR(16)  NOT NULL,
  route      VARCHAR(512) NOT NULL,
  scheme     VARCHAR(32)  NOT NULL,
  network    VARCHAR(128) NOT NULL,
  asset      VARCHAR(128) NOT NULL,
  amount     VARCHAR(80)  NOT NULL,
  amount_hi  BIGINT       NOT NULL,
  amount_lo  BIGINT       NOT NULL,
  pay_to     VARCHAR(128) NOT NULL,
  payer      VARCHAR(128),
  payment_id VARCHAR(512),
  tx         VARCHAR(256),
  reason     VARCHAR(256),
  x402_version INTEGER    NOT NULL
);

CREATE INDEX x402j_sales_at ON x402j_sales (at_ms);
CREATE INDEX x402j_sales_state_at ON x402j_sales (state, at_ms);
CREATE INDEX x402j_sales_payment ON x402j_sales (payment_id);
