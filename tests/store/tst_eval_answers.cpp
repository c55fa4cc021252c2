// SPDX-License-Identifier: GPL-3.0-or-later
// The eval_answers table through its repository, on a real project file built by
// tests/common/store_fixture: rows read back as written (a missing verdict stays
// missing), an evaluation written again replaces its rows instead of adding to
// them, and each kind of bad row is refused with the field named and nothing
// written.
#include "common/error_assert.h"
#include "common/store_fixture.h"

#include "store/eval_answer_repository.h"
#include "store/migrations.h"
#include "store/run_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <limits>

using namespace rlrf;

class TestEvalAnswers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = (m_dir.path() + QStringLiteral("/e%1.rlrf").arg(++m_counter)).toStdString();
        m_project = std::make_unique<store::Project>(store::Project::create(m_path, {"arith", "models/demo", {}, 0}));
        m_ids = test::buildSmallProject(*m_project);
        m_run = store::RunRepository(m_project->db()).start(store::RunKind::Rlrf, 0, "{}");
    }
    void cleanup() { m_project.reset(); }

    void theSchemaHasTheTable()
    {
        QVERIFY(store::latestSchemaVersion() >= 5);
        QCOMPARE(m_project->db().scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'eval_answers'"), 1);
    }

    void rowsRoundTrip()
    {
        store::EvalAnswerRepository answers(m_project->db());
        answers.put({row(0, m_ids.promptB, "7", 0.25, false), row(0, m_ids.promptA, "12", 1.0, true),
                     row(1, m_ids.promptA, "12", 1.0, true)});
        auto unverified = row(0, m_ids.promptA, "twelve", 0.5, std::nullopt);
        unverified.split = "validation";
        unverified.ratingsJson = R"({"Factuality":2,"Readability":3})";
        answers.put({unverified});
        QCOMPARE(answers.count(m_run), 4);

        const auto m0 = answers.forModel(m_run, 0, "test");
        QCOMPARE(m0.size(), std::size_t(2));
        QCOMPARE(m0[0].promptId, std::min(m_ids.promptA, m_ids.promptB)); // by prompt id
        const auto &a = m0[0].promptId == m_ids.promptA ? m0[0] : m0[1];
        const auto &b = m0[0].promptId == m_ids.promptA ? m0[1] : m0[0];
        QCOMPARE(a.answer, std::string("12"));
        QCOMPARE(a.overall, 1.0);
        QVERIFY(a.correct && *a.correct);
        QCOMPARE(a.runId, m_run);
        QCOMPARE(a.iteration, 0);
        QCOMPARE(b.answer, std::string("7"));
        QVERIFY(b.correct && !*b.correct);
        QCOMPARE(answers.forModel(m_run, 1, "test").size(), std::size_t(1));
        const auto validation = answers.forModel(m_run, 0, "validation");
        QCOMPARE(validation.size(), std::size_t(1));
        QVERIFY(!validation[0].correct); // no verifier: no verdict, not "wrong"
        QCOMPARE(validation[0].ratingsJson, unverified.ratingsJson);
        QVERIFY(answers.forModel(m_run + 1, 0, "test").empty());
    }

    void writingAgainReplacesInsteadOfAdding()
    {
        // What a resumed evaluation does: the same (run, model, split, prompt) again.
        store::EvalAnswerRepository answers(m_project->db());
        answers.put({row(1, m_ids.promptA, "11", 0.3, false), row(1, m_ids.promptB, "5", 0.9, true)});
        answers.put({row(1, m_ids.promptA, "12", 1.0, true)});
        QCOMPARE(answers.count(m_run), 2);
        const auto rows = answers.forModel(m_run, 1, "test");
        const auto &a = rows[0].promptId == m_ids.promptA ? rows[0] : rows[1];
        QCOMPARE(a.answer, std::string("12"));
        QCOMPARE(a.overall, 1.0);
        QVERIFY(a.correct && *a.correct);
    }

    void badRowsAreRefusedWhole()
    {
        store::EvalAnswerRepository answers(m_project->db());
        const auto good = row(0, m_ids.promptA, "12", 1.0, true);
        auto noSplit = row(0, m_ids.promptB, "7", 0.2, false);
        noSplit.split.clear();
        RLRF_VERIFY_THROWS_WITH(answers.put({good, noSplit}), "'split': evaluation answer of run");
        auto negative = row(-1, m_ids.promptB, "7", 0.2, false);
        RLRF_VERIFY_THROWS_WITH(answers.put({good, negative}), "'iteration'");
        auto nan = row(0, m_ids.promptB, "7", std::numeric_limits<double>::quiet_NaN(), false);
        RLRF_VERIFY_THROWS_WITH(answers.put({good, nan}), "'overall': evaluation answer of run");
        auto notObject = row(0, m_ids.promptB, "7", 0.2, false);
        notObject.ratingsJson = "[3, 2";
        RLRF_VERIFY_THROWS_WITH(answers.put({good, notObject}), "'ratings'");
        QCOMPARE(answers.count(m_run), 0); // the good row of each batch was not written either
        RLRF_VERIFY_THROWS_WITH(answers.put({good, row(0, 987654, "1", 0.5, false)}), "FOREIGN KEY constraint failed");
        QCOMPARE(answers.count(m_run), 0);
        auto orphan = good;
        orphan.runId = m_run + 100;
        RLRF_VERIFY_THROWS_WITH(answers.put({orphan}), "FOREIGN KEY constraint failed");
    }

private:
    store::EvalAnswerRecord row(int iteration, std::int64_t promptId, const char *answer, double overall,
                                std::optional<bool> correct) const
    {
        return {m_run, iteration, "test", promptId, answer, overall, correct, "{}"};
    }

    QTemporaryDir m_dir;
    int m_counter = 0;
    std::string m_path;
    std::unique_ptr<store::Project> m_project;
    test::SmallProject m_ids;
    std::int64_t m_run = 0;
};

QTEST_GUILESS_MAIN(TestEvalAnswers)
#include "tst_eval_answers.moc"
