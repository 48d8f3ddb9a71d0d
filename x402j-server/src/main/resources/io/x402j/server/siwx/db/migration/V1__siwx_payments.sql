-- sign-in-with-x, seller side: who paid for what, so that several gate instances sharing this
-- database agree on who may sign in instead of paying again. One row per (resource, network,
-- payer) with the latest payment's time. `resource_hash` is the SHA-256 (hex) of the gate's
-- resource key (route pattern and request path, which may be long); `resource` keeps the key
-- itself, cut to 512 characters, for people reading the table. `network` is CAIP-2, `address` the
-- payer's canonical address (EIP-55 or base58). `paid_at` is epoch milliseconds.
-- Its own Flyway history table (x402j_siwx_schema_history) and location: it shares a database with
-- other x402j tables without sharing their migrations.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE x402j_siwx_payments (
    resource_hash VARCHAR(64)  NOT NULL,
    network       VARCHAR(100) NOT NULL,
    address       VARCHAR(100) NOT NULL,
    resource      VARCHAR(512) NOT NULL,
    paid_at       BIGINT       NOT NULL,
    PRIMARY KEY (resource_hash, network, address)
);

CREATE INDEX x402j_siwx_payments_paid_at ON x402j_siwx_payments (paid_at);
