-- Who has proved they belong to which household. Only what the link needs: no phone.
CREATE TABLE beneficiary_links (
    platform        TEXT    NOT NULL,
    user_id         BIGINT  NOT NULL,
    national_code   TEXT    NOT NULL REFERENCES beneficiaries(national_code),
    weak_ownership  INTEGER NOT NULL CHECK (weak_ownership IN (0, 1)),  -- contact had no user id
    linked_at       BIGINT  NOT NULL,
    PRIMARY KEY (platform, user_id),
    FOREIGN KEY (platform, user_id) REFERENCES users(platform, user_id)
);
CREATE INDEX beneficiary_links_by_household ON beneficiary_links(national_code);

-- Failed verification attempts: five within 24 hours lock verification for 24 hours.
CREATE TABLE verification_failures (
    platform  TEXT    NOT NULL,
    user_id   BIGINT  NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX verification_failures_by_user ON verification_failures(platform, user_id, at);
