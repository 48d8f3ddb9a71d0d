-- One row per EIP-3009 authorization settled: the primary key makes claiming it atomic.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE settlements (
    network      VARCHAR(64)  NOT NULL,
    asset        VARCHAR(42)  NOT NULL,
    payer        VARCHAR(42)  NOT NULL,
    auth_nonce   VARCHAR(66)  NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    pay_to       VARCHAR(42)  NOT NULL,
    amount       VARCHAR(80)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    tx_hash      VARCHAR(66),
    signer       VARCHAR(42),
    signer_nonce BIGINT,
    raw_tx       TEXT,
    outcome      TEXT,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (network, asset, payer, auth_nonce)
);

CREATE INDEX settlements_state ON settlements (state);
CREATE INDEX settlements_created ON settlements (created_at);
CREATE INDEX settlements_payer ON settlements (payer);
CREATE INDEX settlements_pay_to ON settlements (pay_to);
