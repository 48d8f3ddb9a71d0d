-- The Bazaar discovery catalog: one row per resource (origin + route template or path; for MCP
-- also the tool) and recipient, filled from the bazaar declarations that paying clients echo.
-- The recipient is part of the key so that a payment to someone else's address cannot rewrite
-- another seller's entry. Times are epoch milliseconds; an entry not paid for within the
-- configured time is no longer listed and is purged later.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE discovery_resources (
    id             VARCHAR(64)   NOT NULL PRIMARY KEY,
    resource       VARCHAR(2100) NOT NULL,
    tool_name      VARCHAR(128),
    pay_to         VARCHAR(128)  NOT NULL,
    type           VARCHAR(8)    NOT NULL,
    x402_version   INTEGER       NOT NULL,
    description    TEXT,
    mime_type      VARCHAR(128),
    service_name   VARCHAR(32),
    tags           TEXT,
    icon_url       VARCHAR(2048),
    extension_keys VARCHAR(1200) NOT NULL,
    bazaar         TEXT          NOT NULL,
    metadata       TEXT,
    created_by     VARCHAR(128)  NOT NULL,
    first_seen     BIGINT        NOT NULL,
    last_seen      BIGINT        NOT NULL
);

CREATE INDEX discovery_resources_seen ON discovery_resources (last_seen, id);
CREATE INDEX discovery_resources_created_by ON discovery_resources (created_by, last_seen);
CREATE INDEX discovery_resources_pay_to ON discovery_resources (pay_to, last_seen);
CREATE INDEX discovery_resources_type ON discovery_resources (type, last_seen);

-- How each resource was paid for: one row per scheme, network and asset, with the requirements
-- the payment accepted (a JSON object), for `accepts` and the scheme/network filters.
CREATE TABLE discovery_accepts (
    resource_id  VARCHAR(64)  NOT NULL,
    scheme       VARCHAR(32)  NOT NULL,
    network      VARCHAR(64)  NOT NULL,
    asset        VARCHAR(128) NOT NULL,
    requirements TEXT         NOT NULL,
    paid_at      BIGINT       NOT NULL,
    PRIMARY KEY (resource_id, scheme, network, asset)
);

CREATE INDEX discovery_accepts_network ON discovery_accepts (network, scheme, resource_id);
CREATE INDEX discovery_accepts_scheme ON discovery_accepts (scheme, resource_id);

-- The search index: the distinct words of each entry's text (description, service name, tags,
-- URL, declared schema) with a weight by where the word came from.
CREATE TABLE discovery_terms (
    term        VARCHAR(32) NOT NULL,
    resource_id VARCHAR(64) NOT NULL,
    weight      INTEGER     NOT NULL,
    PRIMARY KEY (term, resource_id)
);

CREATE INDEX discovery_terms_resource ON discovery_terms (resource_id);
