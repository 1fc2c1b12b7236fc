-- A need imported from a row without external_id is known by its file and line: the sha256
-- of the file's bytes and the row's first line. Running the same file again (after a crash,
-- or by mistake) then updates that need instead of publishing the row a second time.
ALTER TABLE needs ADD COLUMN import_digest TEXT;
ALTER TABLE needs ADD COLUMN import_line BIGINT;
CREATE UNIQUE INDEX needs_by_import_row ON needs(import_digest, import_line)
    WHERE import_digest IS NOT NULL;
