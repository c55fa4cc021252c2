// SPDX-License-Identifier: GPL-3.0-or-later
// The project file itself, on real SQLite files in a temporary folder: migrations
// from an empty file and from an older schema, refusal of newer, foreign and
// damaged files, connection settings (WAL, foreign keys, busy timeout) and the
// transaction guard's commit, rollback and savepoint behaviour.
#include "common/error_assert.h"

#include "core/error.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

namespace {

std::int64_t indexCount(store::Database &db)
{
    return db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'");
}

// Indexes of the latest schema: 12 from version 2, 1 from version 3 (pipeline
// progress), 2 from version 4 (Reflect-Retry-Reward). Version 5's eval_answers
// and version 6's rrr_eval_queries have only the index of their UNIQUE key,
// which SQLite names sqlite_autoindex_*.
constexpr int kIndexCount = 15;

} // namespace

class TestStoreSchema : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void migratesAnEmptyFile()
    {
        const std::string path = file("new.rlrf");
        auto project = store::Project::create(path, {"arith", "models/demo", {}, 0});
        auto &db = project.db();
        QCOMPARE(db.userVersion(), store::latestSchemaVersion());
        QCOMPARE(db.scalar("PRAGMA application_id"), static_cast<std::int64_t>(store::kApplicationId));
        for (const char *table : {"project_meta", "rubric_versions", "prompt_sets", "prompts", "candidates",
                                  "critiques", "critique_aspects", "pairs", "pair_history", "runs",
                                  "metric_points", "eval_results", "checkpoints", "stage_states", "stage_items",
                                  "rrr_failures", "rrr_reflections", "eval_answers", "rrr_eval_queries"})
            QVERIFY2(db.scalar(std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '")
                               + table + "'") == 1, table);
        QCOMPARE(indexCount(db), kIndexCount);
        const auto info = project.info();
        QCOMPARE(info.task, std::string("arith"));
        QCOMPARE(info.modelDir, std::string("models/demo"));
        QVERIFY(QDateTime::fromString(QString::fromStdString(info.createdAt), Qt::ISODateWithMs).isValid());
        QVERIFY(project.integrityProblems().empty());
    }

    void connectionSettings()
    {
        auto project = store::Project::create(file("settings.rlrf"), {"arith", "m", {}, 0});
        expectText(project.db(), "PRAGMA journal_mode", "wal");
        QCOMPARE(project.db().scalar("PRAGMA foreign_keys"), 1);
        QCOMPARE(project.db().scalar("PRAGMA busy_timeout"), static_cast<std::int64_t>(store::Database::kBusyTimeoutMs));
    }

    void migratesFromAnOlderVersion()
    {
        const std::string path = file("old.rlrf");
        {
            // A file as version 1 of the schema left it: tables, no indexes, data.
            store::Database db(path, store::OpenMode::CreateNew);
            store::migrate(db, 1);
            QCOMPARE(db.userVersion(), 1);
            QCOMPARE(indexCount(db), 0);
            store::PromptRepository prompts(db);
            const auto set = prompts.createSet({0, "old", "jsonl", "old.jsonl", {}});
            prompts.insert({0, set, "kept across the migration", std::nullopt, store::Split::Validation, "old.jsonl", 3, "{}"});
        }
        auto project = store::Project::open(path);
        QCOMPARE(project.db().userVersion(), store::latestSchemaVersion());
        QCOMPARE(indexCount(project.db()), kIndexCount);
        QCOMPARE(project.db().scalar("SELECT count(*) FROM sqlite_master WHERE name = 'critiques_by_candidate'"), 1);
        store::PromptRepository prompts(project.db());
        QCOMPARE(prompts.count(), 1);
        const auto p = prompts.page({0, 10, "id", false, std::nullopt}).at(0);
        QCOMPARE(p.text, std::string("kept across the migration"));
        QVERIFY(p.split == store::Split::Validation);
        QCOMPARE(p.sourceRow, 3);
        QVERIFY(project.integrityProblems().empty());
    }

    void aFailingMigrationStepIsRolledBackWhole()
    {
        const std::string path = file("broken-step.rlrf");
        store::Database db(path, store::OpenMode::CreateNew);
        auto steps = store::migrations();
        // A last step whose second statement fails after its first one succeeded.
        const int latest = store::latestSchemaVersion();
        steps.push_back({latest + 1, "broken on purpose", "CREATE TABLE notes (text TEXT); CREATE INDEX x ON nowhere (y);"});
        RLRF_VERIFY_THROWS_WITH(store::migrate(db, steps, latest + 1),
                                "migration to schema version " + std::to_string(latest + 1)
                                    + " (broken on purpose) failed, file left at version " + std::to_string(latest));
        QCOMPARE(db.userVersion(), latest);
        QCOMPARE(db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'notes'"), 0); // no half step
        QCOMPARE(indexCount(db), kIndexCount);
        QVERIFY(!db.inTransaction());
    }

    void refusesANewerFile()
    {
        const std::string path = file("future.rlrf");
        {
            auto project = store::Project::create(path, {"arith", "m", {}, 0});
            project.db().setUserVersion(99);
        }
        RLRF_VERIFY_THROWS_WITH(store::Project::open(path), "schema version 99 but this build of RLRF Workbench knows versions up to "
                                                                + std::to_string(store::latestSchemaVersion()));
        RLRF_VERIFY_THROWS_WITH(store::Project::open(path), "future.rlrf");
    }

    void refusesOtherFiles()
    {
        RLRF_VERIFY_THROWS_WITH(store::Project::open(file("missing.rlrf")), "missing.rlrf: project file does not exist");

        const std::string text = file("notes.rlrf");
        QFile f(QString::fromStdString(text));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are notes, not a database, but long enough to have a header......................\n");
        f.close();
        RLRF_VERIFY_THROWS_WITH(store::Project::open(text), "not a usable project file");

        const std::string empty = file("empty.rlrf");
        QFile e(QString::fromStdString(empty));
        QVERIFY(e.open(QIODevice::WriteOnly));
        e.close();
        RLRF_VERIFY_THROWS_WITH(store::Project::open(empty), "empty.rlrf: not an RLRF project (it has no project schema)");

        const std::string foreign = file("foreign.sqlite");
        {
            store::Database db(foreign, store::OpenMode::CreateNew);
            db.exec("CREATE TABLE contacts (name TEXT)");
        }
        RLRF_VERIFY_THROWS_WITH(store::Project::open(foreign), "is not an RLRF project");

        store::Project::create(file("exists.rlrf"), {"arith", "m", {}, 0});
        RLRF_VERIFY_THROWS_WITH(store::Project::create(file("exists.rlrf"), {"arith", "m", {}, 0}), "refusing to overwrite");
        RLRF_VERIFY_THROWS_WITH(store::Project::create(file("notask.rlrf"), {"", "m", {}, 0}), "needs a task name");
    }

    // A page of the prompts table overwritten on disk (a bad sector, a copy cut
    // short and patched): SQLite's quick check fails and the open is refused with
    // its first finding, before any migration writes to the file (a file of the
    // first schema version included), and the file is left byte for byte as it was.
    void damagedFileIsRefused_data()
    {
        QTest::addColumn<int>("version");
        QTest::newRow("latest schema") << store::latestSchemaVersion();
        QTest::newRow("schema version 1, would be migrated") << 1;
    }

    void damagedFileIsRefused()
    {
        QFETCH(int, version);
        const std::string path = file(("damaged-v" + std::to_string(version) + ".rlrf").c_str());
        std::int64_t rootPage = 0, pageSize = 0;
        {
            store::Database db(path, store::OpenMode::CreateNew);
            store::migrate(db, version);
            store::PromptRepository prompts(db);
            store::Transaction tx(db);
            const auto set = prompts.createSet({0, "many", "jsonl", "many.jsonl", {}});
            for (int i = 0; i < 400; ++i)
                prompts.insert({0, set, "prompt " + std::to_string(i) + " " + std::string(200, 'x'), std::nullopt,
                                store::Split::Train, "many.jsonl", i + 1, "{}"});
            tx.commit();
            rootPage = db.scalar("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'prompts'");
            pageSize = db.scalar("PRAGMA page_size");
        } // closed: the write-ahead log is folded into the file
        QVERIFY(rootPage > 1);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek((rootPage - 1) * pageSize));
        f.write(QByteArray(64, '\xff')); // an impossible b-tree page header and cell pointers
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray damaged = f.readAll();
        f.close();
        try {
            store::Project::open(path);
            QFAIL("a damaged project file was opened");
        } catch (const Error &e) {
            const std::string what = e.what();
            // SQLite words its first complaint by version: "Page 7: …" (3.40),
            // "Tree 7 page 7: …" (3.46); both name the damaged page.
            const std::string start = path + ": the project file is damaged: ";
            QVERIFY2(what.rfind(start, 0) == 0, e.what());
            const auto first = QString::fromStdString(what.substr(start.size())).section(QStringLiteral(": "), 0, 0);
            QVERIFY2(first.endsWith(QStringLiteral("age %1").arg(rootPage)), e.what());
            QVERIFY2(what.find("more problems SQLite's quick check found); open a backup copy instead (this file was not "
                               "changed)") != std::string::npos,
                     e.what());
            QVERIFY2(what.find('\n') == std::string::npos, e.what()); // one line, not SQLite's hundred
        }
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.readAll() == damaged, "the failed open changed the file");
    }

    void foreignKeysAreEnforced()
    {
        auto project = store::Project::create(file("fk.rlrf"), {"arith", "m", {}, 0});
        store::PromptRepository prompts(project.db());
        RLRF_VERIFY_THROWS_WITH(prompts.insert({0, 12345, "orphan", std::nullopt, store::Split::Train, "x", 1, "{}"}),
                           "FOREIGN KEY constraint failed");
        QCOMPARE(prompts.count(), 0);
    }

    void readerSeesOnlyCommittedRowsWithoutBlocking()
    {
        // The GUI reads through its own connection while the worker writes (WAL).
        const std::string path = file("wal.rlrf");
        auto writer = store::Project::create(path, {"arith", "m", {}, 0});
        auto reader = store::Project::open(path);
        store::PromptRepository written(writer.db());
        store::PromptRepository read(reader.db());
        {
            store::Transaction tx(writer.db());
            const auto set = written.createSet({0, "s", "jsonl", "a", {}});
            written.insert({0, set, "in flight", std::nullopt, store::Split::Train, "a", 1, "{}"});
            QCOMPARE(read.count(), 0); // answered at once, without the uncommitted row
            tx.commit();
        }
        QCOMPARE(read.count(), 1);
    }

    void transactionRollsBackUnlessCommitted()
    {
        auto project = store::Project::create(file("tx.rlrf"), {"arith", "m", {}, 0});
        auto &db = project.db();
        store::PromptRepository prompts(db);
        {
            store::Transaction tx(db);
            prompts.createSet({0, "dropped", "jsonl", "a", {}});
        } // no commit
        QCOMPARE(prompts.sets().size(), size_t(0));
        try {
            store::Transaction tx(db);
            prompts.createSet({0, "dropped too", "jsonl", "a", {}});
            throw std::runtime_error("failure half way");
        } catch (const std::runtime_error &) {
        }
        QCOMPARE(prompts.sets().size(), size_t(0));
        QVERIFY(!db.inTransaction());
        {
            store::Transaction outer(db);
            prompts.createSet({0, "kept", "jsonl", "a", {}});
            {
                store::Transaction inner(db); // a savepoint
                prompts.createSet({0, "inner, rolled back", "jsonl", "a", {}});
            }
            outer.commit();
        }
        const auto sets = prompts.sets();
        QCOMPARE(sets.size(), size_t(1));
        QCOMPARE(sets[0].name, std::string("kept"));
    }

private:
    std::string file(const char *name) { return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }
    static void expectText(store::Database &db, const char *sql, const char *expected)
    {
        auto st = db.prepare(sql);
        QVERIFY(st.step());
        QCOMPARE(st.textAt(0), std::string(expected));
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestStoreSchema)
#include "tst_store_schema.moc"
