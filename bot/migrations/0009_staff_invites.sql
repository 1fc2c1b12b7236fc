-- One-time codes an admin creates; a person becomes staff by sending /join CODE.
CREATE TABLE staff_invites (
    code        TEXT    PRIMARY KEY,
    platform    TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    used_by     INTEGER,
    used_at     INTEGER
);
