-- One row per payment settled, of any scheme on any chain: the primary key (network, scheme,
-- canonical payment id) makes claiming it atomic. The scheme's own data are canonical strings in
-- columns wide enough for every chain (88-character Solana signatures, 44-character base58
-- addresses, uint256 nonces); anything else rides in the JSON objects `details` (about the
-- payment) and `submission_details` (about its transaction).
-- Portable SQL: the same migration runs on SQLite and PostgreSQL. Rows of the EIP-3009 table move
-- over as scheme 'exact' with the payment id <asset>:<payer>:<nonce> in lower-case hex, the form
-- the EVM engine derives.
CREATE TABLE settlements_v3 (
    network            VARCHAR(64)   NOT NULL,
    scheme             VARCHAR(32)   NOT NULL,
    payment_id         VARCHAR(256)  NOT NULL,
    fingerprint        VARCHAR(128)  NOT NULL,
    settlement_id      VARCHAR(128),
    asset              VARCHAR(128)  NOT NULL,
    payer              VARCHAR(128)  NOT NULL,
    pay_to             VARCHAR(128)  NOT NULL,
    amount             VARCHAR(80)   NOT NULL,
    details            TEXT,
    state              VARCHAR(16)   NOT NULL,
    tx_id              VARCHAR(128),
    signer             VARCHAR(128),
    signer_sequence    BIGINT,
    raw_tx             TEXT,
    submission_details TEXT,
    outcome            TEXT,
    created_at         BIGINT        NOT NULL,
    updated_at         BIGINT        NOT NULL,
    PRIMARY KEY (network, scheme, payment_id)
);

INSERT INTO settlements_v3 (network, scheme, payment_id, fingerprint, settlement_id, asset, payer,
                            pay_to, amount, details, state, tx_id, signer, signer_sequence, raw_tx,
                            submission_details, outcome, created_at, updated_at)
SELECT network,
       'exact',
       LOWER(asset) || ':' || LOWER(payer) || ':' || LOWER(auth_nonce),
       fingerprint,
       settlement_id,
       LOWER(asset),
       LOWER(payer),
       LOWER(pay_to),
       amount,
       '{"nonce":"' || LOWER(auth_nonce) || '"}',
       state,
       tx_hash,
       LOWER(signer),
       signer_nonce,
       raw_tx,
       NULL,
       outcome,
       created_at,
       updated_at
FROM settlements;

DROP TABLE settlements;
ALTER TABLE settlements_v3 RENAME TO settlements;

CREATE INDEX settlements_state ON settlements (state);
CREATE INDEX settlements_created ON settlements (created_at);
CREATE INDEX settlements_payer ON settlements (payer);
CREATE INDEX settlements_pay_to ON settlements (pay_to);
-- What one payer's balance of one token is committed to, across schemes.
CREATE INDEX settlements_holder ON settlements (network, asset, payer);
