-- The web application: the record workflow, data queries, browser sessions and API tokens.
-- Keep in step with migrations/sqlite/0003_workflow_queries_sessions.sql (a test compares the versions).

-- draft -> complete -> verified (signed by a center lead) -> locked; an unlock returns to draft.
ALTER TABLE patient ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'
    CONSTRAINT patient_status_known CHECK (status IN ('draft', 'complete', 'verified', 'locked'));
-- The signature of a verified record: who signed, when, and what the signature means.
ALTER TABLE patient ADD COLUMN signed_by TEXT;
ALTER TABLE patient ADD COLUMN signed_at TIMESTAMPTZ;
ALTER TABLE patient ADD COLUMN signature_meaning TEXT;

-- A question a coordinator asks about one field of one record; the center answers it, the
-- coordinator closes it.
CREATE TABLE data_query (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_id    TEXT NOT NULL,
    pseudonym   TEXT NOT NULL,
    -- A JSON path into the record, e.g. $.courses[0].dose.value, or $ for the record as a whole.
    field       TEXT NOT NULL,
    question    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CONSTRAINT data_query_status_known CHECK (status IN ('open', 'answered', 'closed')),
    opened_by   TEXT NOT NULL,
    opened_at   TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    answer      TEXT,
    answered_by TEXT,
    answered_at TIMESTAMPTZ,
    closed_by   TEXT,
    closed_at   TIMESTAMPTZ,
    FOREIGN KEY (study_id, pseudonym) REFERENCES patient (study_id, pseudonym)
);

CREATE INDEX data_query_by_patient ON data_query (study_id, pseudonym);

-- Browser sessions: the session id, its data as JSON, and when it expires (Unix seconds).
CREATE TABLE web_session (
    id         TEXT   PRIMARY KEY,
    data       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Per-user API tokens; only the SHA-256 of a token is kept, the token is shown once.
CREATE TABLE api_token (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES app_user (id),
    label        TEXT    NOT NULL,
    token_sha256 TEXT    NOT NULL CONSTRAINT api_token_unique UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
