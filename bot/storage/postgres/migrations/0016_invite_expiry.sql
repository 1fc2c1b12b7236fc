-- Staff invites expire (STAFF_INVITE_TTL_DAYS), can be revoked by an admin, and die with the
-- admin who created them (revoked_at set, revoked_by NULL). Invites made before this
-- migration get the default week from their creation.
ALTER TABLE staff_invites ADD COLUMN expires_at BIGINT;
ALTER TABLE staff_invites ADD COLUMN revoked_at BIGINT;
ALTER TABLE staff_invites ADD COLUMN revoked_by BIGINT;
UPDATE staff_invites SET expires_at = created_at + 7 * 86400;
