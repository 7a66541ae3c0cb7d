-- Users of the multi-center application, and the append-only, hash-chained audit trail.
-- Keep in step with migrations/sqlite/0002_users_and_audit.sql (a test compares the versions).

-- A user holds no name or e-mail address beyond the username: the registry is pseudonymous.
CREATE TABLE app_user (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT    NOT NULL CONSTRAINT app_user_username_unique UNIQUE,
    -- An Argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash), never the password.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL
                  CONSTRAINT app_user_role_known CHECK (role IN ('administrator', 'coordinator', 'center-lead', 'data-entry')),
    -- A center id such as IT1, the same in every study; no foreign key, because a center belongs
    -- to a study and a user may work on several.
    center_id     TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins BIGINT  NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Center leads and data entry work at one center; administrators and coordinators at none.
    CONSTRAINT app_user_center_matches_role CHECK ((role IN ('center-lead', 'data-entry')) = (center_id IS NOT NULL))
);

-- One row per change, login or export. `seq` is assigned by the store as the previous event's
-- plus one, under a lock, and not by a sequence: a sequence loses numbers when a transaction
-- rolls back, and a gap must always mean a removed row. `hash` is the SHA-256 of `prev_hash`, a
-- newline and the canonical JSON of the other fields (see the store's `audit` module), with `at`
-- written as UTC RFC 3339 text with microseconds; the first event's `prev_hash` is 64 zeros.
-- Values are JSON-encoded text, and SQL NULL means "absent" (as opposed to a JSON null).
CREATE TABLE audit_event (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 1),
    -- From the database clock, read once the writer holds the trail's lock.
    at        TIMESTAMPTZ NOT NULL,
    -- A username, `cli:<operating-system user>` or `system`.
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    study_id  TEXT,
    -- What the event is about, e.g. patient/WAS-IT1-01, user/alice or study/was-anti-il1.
    record    TEXT NOT NULL,
    -- A JSON path into the record, e.g. $.courses[1].dose.value; NULL for the record as a whole.
    field     TEXT,
    old_value TEXT,
    new_value TEXT,
    reason    TEXT,
    prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash      TEXT NOT NULL CHECK (length(hash) = 64)
);

CREATE INDEX audit_event_by_record ON audit_event (record, seq);

-- The database itself refuses to change or remove an event, whatever program connects to it.
-- The table's owner (or a superuser) can still disable these triggers: run the application as a
-- role that does not own the table, and REVOKE UPDATE, DELETE, TRUNCATE from it. The hash chain
-- makes any change visible all the same (`casebook audit verify`).
CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
