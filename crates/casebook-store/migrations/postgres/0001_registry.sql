-- The registry: studies, their centers, and one versioned record per pseudonymous patient.
-- Keep in step with migrations/sqlite/0001_registry.sql (a test compares the versions).

CREATE TABLE study (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    -- The study configuration exactly as `casebook export` writes study.toml.
    config_toml TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE center (
    study_id TEXT NOT NULL REFERENCES study (id),
    id       TEXT NOT NULL,
    name     TEXT NOT NULL,
    country  TEXT NOT NULL,
    PRIMARY KEY (study_id, id)
);

CREATE TABLE patient (
    study_id      TEXT   NOT NULL,
    pseudonym     TEXT   NOT NULL,
    center_id     TEXT   NOT NULL,
    -- Incremented on every change, for optimistic locking.
    version       BIGINT NOT NULL CHECK (version >= 1),
    -- The record in the native patient JSON format, and its SHA-256.
    record_json   TEXT   NOT NULL,
    record_sha256 TEXT   NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (study_id, pseudonym),
    FOREIGN KEY (study_id, center_id) REFERENCES center (study_id, id)
);

CREATE INDEX patient_by_center ON patient (study_id, center_id);
