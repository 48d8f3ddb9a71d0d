-- The payment-identifier extension: the payment each client-chosen id was first used with.
-- One row per (payer, id): the primary key makes binding an id atomic across every facilitator
-- instance sharing the database, and scoping by the payer (its chain namespace and canonical
-- address, known only once the payer's signature verified) keeps one payer from taking another's
-- ids. `fingerprint` is a SHA-256 (hex) of the payment's canonical identity and the requirements it
-- was paid for; `expires_at` (epoch ms) bounds retention. Ids are case-sensitive ASCII: SQLite's
-- BINARY and PostgreSQL's default collation compare them exactly.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE x402j_payment_identifiers (
    payer_scope        VARCHAR(200) NOT NULL,
    payment_identifier VARCHAR(128) NOT NULL,
    fingerprint        VARCHAR(64)  NOT NULL,
    created_at         BIGINT       NOT NULL,
    expires_at         BIGINT       NOT NULL,
    PRIMARY KEY (payer_scope, payment_identifier)
);

CREATE INDEX x402j_payment_identifiers_id
    ON x402j_payment_identifiers (payment_identifier, fingerprint);

CREATE INDEX x402j_payment_identifiers_expiry ON x402j_payment_identifiers (expires_at);
