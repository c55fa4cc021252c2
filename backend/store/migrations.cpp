// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/migrations.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/database.h"
#include "store/transaction.h"

namespace rlrf::store {
namespace {

// Timestamps are ISO 8601 UTC text with milliseconds, set by SQLite itself.
#define RLRF_NOW "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

// Version 1: every table. Provenance columns are NOT NULL where a value always
// exists, so a row can never lose where it came from.
const char *const kSchemaV1 = R"sql(
CREATE TABLE project_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE rubric_versions (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    json       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(,
    UNIQUE (name, version)
);
CREATE TABLE prompt_sets (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    format      TEXT NOT NULL,
    source_path TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(
);
CREATE TABLE prompts (
    id               INTEGER PRIMARY KEY,
    prompt_set_id    INTEGER NOT NULL REFERENCES prompt_sets(id) ON DELETE CASCADE,
    text             TEXT NOT NULL,
    reference_answer TEXT,
    split            TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    source           TEXT NOT NULL,
    source_row       INTEGER NOT NULL,
    metadata         TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('sft', 'dpo', 'grpo', 'rlrf', 'rrr', 'eval')),
    iteration        INTEGER NOT NULL,
    hyper_parameters TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'cancelled', 'failed')),
    message          TEXT NOT NULL DEFAULT '',
    started_at       TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(,
    ended_at         TEXT
);
CREATE TABLE checkpoints (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES checkpoints(id),
    iteration  INTEGER NOT NULL,
    run_id     INTEGER REFERENCES runs(id),
    created_at TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(
);
CREATE TABLE candidates (
    id                  INTEGER PRIMARY KEY,
    prompt_id           INTEGER NOT NULL REFERENCES prompts(id),
    iteration           INTEGER NOT NULL,
    checkpoint_id       INTEGER REFERENCES checkpoints(id),
    text                TEXT NOT NULL,
    token_count         INTEGER NOT NULL,
    sampling_params     TEXT NOT NULL DEFAULT '{}',
    seed                INTEGER NOT NULL,
    parent_candidate_id INTEGER REFERENCES candidates(id),
    critique_used_id    INTEGER REFERENCES critiques(id),
    created_at          TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(,
    CHECK ((parent_candidate_id IS NULL) = (critique_used_id IS NULL))
);
CREATE TABLE critiques (
    id                INTEGER PRIMARY KEY,
    candidate_id      INTEGER NOT NULL REFERENCES candidates(id),
    judge             TEXT NOT NULL,
    rubric_version_id INTEGER REFERENCES rubric_versions(id),
    overall           REAL NOT NULL,
    reward            REAL,
    raw_output        TEXT NOT NULL,
    parse_status      TEXT NOT NULL CHECK (parse_status IN ('ok', 'failed')),
    parse_error       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(
);
CREATE TABLE critique_aspects (
    critique_id INTEGER NOT NULL REFERENCES critiques(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    aspect      TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 3),
    rationale   TEXT NOT NULL,
    PRIMARY KEY (critique_id, position)
) WITHOUT ROWID;
CREATE TABLE pairs (
    id                    INTEGER PRIMARY KEY,
    prompt_id             INTEGER NOT NULL REFERENCES prompts(id),
    chosen_candidate_id   INTEGER NOT NULL REFERENCES candidates(id),
    rejected_candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    chosen_critique_id    INTEGER REFERENCES critiques(id),
    rejected_critique_id  INTEGER REFERENCES critiques(id),
    rule                  TEXT NOT NULL,
    gap                   REAL NOT NULL,
    review_state          TEXT NOT NULL DEFAULT 'pending'
                          CHECK (review_state IN ('pending', 'approved', 'rejected', 'edited')),
    chosen_text           TEXT,
    rejected_text         TEXT,
    created_at            TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(,
    CHECK (chosen_candidate_id <> rejected_candidate_id)
);
CREATE TABLE pair_history (
    id        INTEGER PRIMARY KEY,
    pair_id   INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    action    TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    author    TEXT NOT NULL,
    at        TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(
);
CREATE TABLE metric_points (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step   INTEGER NOT NULL,
    key    TEXT NOT NULL,
    value  REAL NOT NULL
);
CREATE TABLE eval_results (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    iteration  INTEGER NOT NULL,
    split      TEXT NOT NULL,
    metric     TEXT NOT NULL,
    value      REAL NOT NULL,
    n          INTEGER NOT NULL CHECK (n >= 0),
    created_at TEXT NOT NULL DEFAULT )sql" RLRF_NOW R"sql(
);
)sql";

// Version 2: indexes for what the views and the pipeline ask for — a page of a
// table in a chosen order, the candidates and critiques of one prompt, pairs by
// review state, one metric series of a run.
const char *const kSchemaV2 = R"sql(
CREATE INDEX prompts_by_set ON prompts (prompt_set_id);
CREATE INDEX prompts_by_split ON prompts (split, id);
CREATE INDEX candidates_by_prompt ON candidates (prompt_id, iteration, id);
CREATE INDEX candidates_by_parent ON candidates (parent_candidate_id) WHERE parent_candidate_id IS NOT NULL;
CREATE INDEX critiques_by_candidate ON critiques (candidate_id, id);
CREATE INDEX critiques_by_overall ON critiques (overall, id);
CREATE INDEX pairs_by_state ON pairs (review_state, id);
CREATE INDEX pairs_by_prompt ON pairs (prompt_id);
CREATE INDEX pair_history_by_pair ON pair_history (pair_id, id);
CREATE INDEX metric_points_by_series ON metric_points (run_id, key, step);
CREATE INDEX eval_results_by_run ON eval_results (run_id, iteration);
CREATE INDEX checkpoints_by_parent ON checkpoints (parent_id);
)sql";

// Version 3: the pipeline's progress, keyed by (run, iteration, stage). A stage
// writes its outputs for a batch of prompts and their rows here in one
// transaction, so a run killed at any moment resumes with exactly the prompts
// that have no output yet. item_id is the candidate, critique or pair written
// (NULL: the prompt is done and had nothing to write).
const char *const kSchemaV3 = R"sql(
CREATE TABLE stage_states (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    stage     TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('running', 'done')),
    seconds   REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, iteration, stage)
) WITHOUT ROWID;
CREATE TABLE stage_items (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    stage     TEXT NOT NULL,
    prompt_id INTEGER NOT NULL REFERENCES prompts(id),
    item_id   INTEGER
);
CREATE INDEX stage_items_by_stage ON stage_items (run_id, iteration, stage, prompt_id);
)sql";

// Version 4: Reflect, Retry, Reward — the mined failed attempts of a run and,
// per training step, each reflection with its retry, reward and advantage, so
// the reflection view can show attempt -> reflection -> retry chains.
const char *const kSchemaV4 = R"sql(
CREATE TABLE rrr_failures (
    id               INTEGER PRIMARY KEY,
    run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    problem_id       TEXT NOT NULL,
    prompt           TEXT NOT NULL,
    reference_answer TEXT NOT NULL,
    attempt          TEXT NOT NULL,
    reason           TEXT NOT NULL
);
CREATE TABLE rrr_reflections (
    id                INTEGER PRIMARY KEY,
    failure_id        INTEGER NOT NULL REFERENCES rrr_failures(id) ON DELETE CASCADE,
    step              INTEGER NOT NULL CHECK (step >= 1),
    reflection        TEXT NOT NULL,
    retry             TEXT NOT NULL,
    reward            REAL NOT NULL,
    advantage         REAL NOT NULL,
    reflection_tokens INTEGER NOT NULL CHECK (reflection_tokens >= 0)
);
CREATE INDEX rrr_failures_by_run ON rrr_failures (run_id, id);
CREATE INDEX rrr_reflections_by_failure ON rrr_reflections (failure_id, step, id);
)sql";

// Version 5: every answer an evaluation judged, so a model can be compared with
// the previous one prompt by prompt (the win rate) and the numbers behind an
// eval_results row can be inspected. One row per model and prompt: the UNIQUE
// key makes a repeated evaluation replace its rows instead of adding to them,
// and its index serves the lookups by (run, iteration, split).
const char *const kSchemaV5 = R"sql(
CREATE TABLE eval_answers (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL CHECK (iteration >= 0),
    split     TEXT NOT NULL,
    prompt_id INTEGER NOT NULL REFERENCES prompts(id),
    answer    TEXT NOT NULL,
    overall   REAL NOT NULL,
    correct   INTEGER CHECK (correct IN (0, 1)),
    ratings   TEXT NOT NULL DEFAULT '{}',
    UNIQUE (run_id, iteration, split, prompt_id)
);
)sql";

// Version 6: every held-out query of a Reflect-Retry-Reward run's evaluations,
// before and after training: the first try, the model's own reflection and its
// retry, and the retry after the task's perfect reflection (empty where the task
// has none), so the RRR area can show the reflection headroom per failure. One
// row per (run, phase, position): an evaluation written again replaces its
// rows instead of adding to them. Runs evaluated before this have no rows.
const char *const kSchemaV6 = R"sql(
CREATE TABLE rrr_eval_queries (
    run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    phase             TEXT NOT NULL CHECK (phase IN ('before', 'after')),
    position          INTEGER NOT NULL CHECK (position >= 0),
    problem_id        TEXT NOT NULL,
    prompt            TEXT NOT NULL,
    first_attempt     TEXT NOT NULL,
    first_correct     INTEGER NOT NULL CHECK (first_correct IN (0, 1)),
    own_reflection    TEXT NOT NULL,
    own_retry         TEXT NOT NULL,
    own_correct       INTEGER NOT NULL CHECK (own_correct IN (0, 1)),
    oracle_reflection TEXT NOT NULL,
    oracle_retry      TEXT NOT NULL,
    oracle_correct    INTEGER NOT NULL CHECK (oracle_correct IN (0, 1)),
    UNIQUE (run_id, phase, position)
);
)sql";

#undef RLRF_NOW

void checkItIsOurs(Database &db)
{
    const auto appId = db.scalar("PRAGMA application_id");
    const auto tables = db.scalar("SELECT count(*) FROM sqlite_master");
    if (appId != kApplicationId && tables > 0)
        throw Error("this SQLite file is not an RLRF project (application_id "
                        + std::to_string(appId) + ")",
                    {db.path(), 0, {}});
}

} // namespace

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list = {
        {1, "tables for prompts, candidates, critiques, pairs, runs, metrics, checkpoints", kSchemaV1},
        {2, "indexes for paging and per-prompt queries", kSchemaV2},
        {3, "pipeline stage progress per run and iteration", kSchemaV3},
        {4, "Reflect-Retry-Reward failures and reflections", kSchemaV4},
        {5, "judged answers of every evaluation", kSchemaV5},
        {6, "Reflect-Retry-Reward evaluation queries with the reflection headroom", kSchemaV6},
    };
    return list;
}

int latestSchemaVersion()
{
    return migrations().back().version;
}

void migrate(Database &db, int targetVersion)
{
    migrate(db, migrations(), targetVersion < 0 ? latestSchemaVersion() : targetVersion);
}

void migrate(Database &db, const std::vector<Migration> &steps, int targetVersion)
{
    const int latest = steps.empty() ? 0 : steps.back().version;
    checkItIsOurs(db);
    const int current = db.userVersion();
    if (current > latest)
        throw Error("project file has schema version " + std::to_string(current)
                        + " but this build of RLRF Workbench knows versions up to "
                        + std::to_string(latest) + "; open it with a newer version",
                    {db.path(), 0, {}});
    for (const auto &m : steps) {
        if (m.version <= current || m.version > targetVersion)
            continue;
        Transaction tx(db);
        try {
            db.exec(m.sql);
        } catch (const Error &e) {
            throw Error("migration to schema version " + std::to_string(m.version) + " (" + m.description
                            + ") failed, file left at version " + std::to_string(db.userVersion()) + ": "
                            + e.message(),
                        {db.path(), 0, {}});
        }
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.setUserVersion(m.version); // inside the transaction: schema and number move together
        tx.commit();
        log::get("store")->info("{}: schema migrated to version {} ({})", db.path(), m.version,
                                m.description);
    }
}

} // namespace rlrf::store
