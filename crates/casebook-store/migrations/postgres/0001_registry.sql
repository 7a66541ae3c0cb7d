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

-- The Zhu score computed for each assessment of a stored patient, with the rule version and the
-- setting that produced it, so that a score read years later says what it meant. Rewritten in
-- the same transaction as the patient record.
CREATE TABLE zhu_score (
    study_id                               TEXT    NOT NULL,
    pseudonym                              TEXT    NOT NULL,
    assessment_index                       BIGINT NOT NULL,
    assessment_date                        TEXT    NOT NULL,
    computed_score                         TEXT    NOT NULL,
    phenotype_class                        TEXT    NOT NULL,
    severe                                 BOOLEAN NOT NULL,
    discordant                             BOOLEAN NOT NULL,
    indeterminate                          BOOLEAN NOT NULL,
    clinician_score                        TEXT,
    rule_version                           TEXT    NOT NULL,
    count_autoinflammation_as_autoimmunity BOOLEAN NOT NULL,
    PRIMARY KEY (study_id, pseudonym, assessment_index),
    FOREIGN KEY (study_id, pseudonym) REFERENCES patient (study_id, pseudonym)
);
