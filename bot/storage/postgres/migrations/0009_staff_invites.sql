-- One-time codes an admin creates; a person becomes staff by sending /join CODE.
CREATE TABLE staff_invites (
    code        TEXT    PRIMARY KEY,
    platform    TEXT    NOT NULL,
    created_by  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    used_by     BIGINT,
    used_at     BIGINT
);
