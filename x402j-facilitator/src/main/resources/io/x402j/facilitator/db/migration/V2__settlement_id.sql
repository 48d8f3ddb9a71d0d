-- The resource server's settlement attempt that holds the claim: a second /settle of the same
-- authorization is answered with its outcome only when it names the same attempt.
ALTER TABLE settlements ADD COLUMN settlement_id VARCHAR(128);
