// SPDX-License-Identifier: GPL-3.0-or-later
// The reflection headroom of Reflect-Retry-Reward's evaluation, on the shipped
// arith demo model (resources/models/arith-demo: it solves some held-out arith
// problems and not others, so there are failures to reflect on) with a handful
// of queries. Checked: every query comes back as a record, each failure with the
// task's oracle reflection and the greedy retry after it; the counts add up to
// the records; a task without an oracle leaves the oracle fields empty and
// changes nothing else; an evaluation cancelled before it starts or at its
// retries returns no records; runRrr persists the records of both evaluations
// ("before" / "after") and they read back as they were; a run stopped after its
// "before" evaluation and continued reads those rows back instead of writing
// them again.
#include "pipeline/rrr/rrr_run.h"
#include "pipeline/rrr/two_try_eval.h"

#include "common/test_paths.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "store/project_file.h"
#include "store/rrr_eval_repository.h"
#include "tasks/arith/arith_task.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <optional>

using namespace rlrf;

namespace {

// The arith task with its verifier but without an oracle (as BFCL has none).
class ArithWithoutOracle : public tasks::ArithTask {
public:
    std::optional<std::string> oracleReflection(const tasks::Problem &, const std::string &) const override
    {
        return std::nullopt;
    }
};

// The arith task whose oracle asks the evaluation to stop: the retries that
// follow are cancelled, as a Stop pressed there would cancel them.
class StoppingOracle : public tasks::ArithTask {
public:
    explicit StoppingOracle(CancelToken &cancel) : m_cancel(cancel) {}
    std::optional<std::string> oracleReflection(const tasks::Problem &problem,
                                                const std::string &attempt) const override
    {
        m_cancel.requestStop();
        return ArithTask::oracleReflection(problem, attempt);
    }

private:
    CancelToken &m_cancel;
};

std::string demoModel()
{
    return test::sourceDir().toStdString() + "/resources/models/arith-demo";
}

} // namespace

class TestRrrHeadroom : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::optional<model::TextModel> m_model;
    tasks::ArithTask m_task;
    std::vector<tasks::Problem> m_test;
    rrr::TwoTryAccuracy m_withOracle;

    std::string path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

    rrr::RrrRunRequest tiny(const std::string &project) const
    {
        rrr::RrrRunRequest r;
        r.projectPath = project;
        r.task = "arith";
        auto &c = r.config;
        c.seed = 2;
        c.trainQueries = 4;
        c.mineSamples = 2;
        c.mineTemperature = 1.0;
        c.testQueries = 6;
        c.groupSize = 2;
        c.failuresPerStep = 1;
        c.maxSteps = 1;
        c.checkpointEvery = 1;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        log::init(spdlog::level::warn);
        m_model.emplace(model::TextModel::load(demoModel()));
        m_test = m_task.problems(tasks::Split::Test, 6, 0);
    }

    void everyFailureGetsAnOracleRetry()
    {
        const rrr::PolicySampler sampler(*m_model, 64);
        m_withOracle = rrr::evaluateTwoTries(sampler, m_task, m_test, {});
        const auto &a = m_withOracle;
        QVERIFY(!a.cancelled);
        QVERIFY(a.recorded);
        QCOMPARE(a.records.size(), m_test.size());
        QVERIFY2(a.failures() > 0, "the demo model solved every query: nothing to reflect on");
        std::int64_t firstCorrect = 0, ownSolved = 0, oracleSolved = 0, oracleAvailable = 0;
        for (std::size_t i = 0; i < m_test.size(); ++i) {
            const auto &r = a.records[i];
            QCOMPARE(r.problemId, m_test[i].id);
            QCOMPARE(r.prompt, m_test[i].prompt);
            QCOMPARE(r.firstCorrect, m_task.verify(m_test[i], r.firstAttempt).correct);
            if (r.firstCorrect) {
                ++firstCorrect;
                QVERIFY(r.ownReflection.empty() && r.ownRetry.empty() && r.oracleReflection.empty());
                QVERIFY(r.oracleRetry.empty() && !r.ownCorrect && !r.oracleCorrect);
                continue;
            }
            QCOMPARE(r.ownCorrect, m_task.verify(m_test[i], r.ownRetry).correct);
            const auto oracle = m_task.oracleReflection(m_test[i], r.firstAttempt);
            QVERIFY(oracle.has_value());
            QCOMPARE(r.oracleReflection, *oracle);
            QVERIFY(!r.oracleRetry.empty());
            QCOMPARE(r.oracleCorrect, m_task.verify(m_test[i], r.oracleRetry).correct);
            ownSolved += r.ownCorrect ? 1 : 0;
            ++oracleAvailable;
            oracleSolved += r.oracleCorrect ? 1 : 0;
        }
        QCOMPARE(a.firstCorrect, firstCorrect);
        QCOMPARE(a.ownSolved(), ownSolved);
        QCOMPARE(a.oracleAvailable, oracleAvailable);
        QCOMPARE(a.oracleSolved, oracleSolved);
        QCOMPARE(a.second, static_cast<double>(firstCorrect + ownSolved) / static_cast<double>(m_test.size()));

        // The store's aggregate of the same records is the same.
        const auto headroom = store::headroomOf(a.records);
        QCOMPARE(headroom.failures, a.failures());
        QCOMPARE(headroom.ownSolved, ownSolved);
        QCOMPARE(headroom.oracleAvailable, oracleAvailable);
        QCOMPARE(headroom.oracleSolved, oracleSolved);
        qInfo("of %lld failures: own reflection %lld solved, perfect reflection %lld",
              static_cast<long long>(a.failures()), static_cast<long long>(ownSolved),
              static_cast<long long>(oracleSolved));
    }

    void aTaskWithoutAnOracleLeavesItsFieldsEmpty()
    {
        QVERIFY(m_withOracle.recorded);
        const ArithWithoutOracle task;
        const auto a = rrr::evaluateTwoTries(rrr::PolicySampler(*m_model, 64), task, m_test, {});
        QVERIFY(a.recorded);
        QCOMPARE(a.oracleAvailable, std::int64_t{0});
        QCOMPARE(a.oracleSolved, std::int64_t{0});
        QCOMPARE(a.first, m_withOracle.first);
        QCOMPARE(a.second, m_withOracle.second);
        for (std::size_t i = 0; i < a.records.size(); ++i) {
            const auto &r = a.records[i];
            QVERIFY(r.oracleReflection.empty() && r.oracleRetry.empty() && !r.oracleCorrect);
            QCOMPARE(r.ownRetry, m_withOracle.records[i].ownRetry); // greedy: the same as with an oracle
        }
        const auto headroom = store::headroomOf(a.records);
        QVERIFY(!headroom.oracleShare().has_value());
        QCOMPARE(headroom.failures, m_withOracle.failures());
    }

    void aCancelledEvaluationReturnsNoRecords()
    {
        CancelToken cancel;
        cancel.requestStop();
        const auto a = rrr::evaluateTwoTries(rrr::PolicySampler(*m_model, 64), m_task, m_test, {}, &cancel);
        QVERIFY(a.cancelled);
        QVERIFY(!a.recorded);
        QVERIFY(a.records.empty());

        CancelToken late;
        const StoppingOracle stopping(late);
        const auto b = rrr::evaluateTwoTries(rrr::PolicySampler(*m_model, 64), stopping, m_test, {}, &late);
        QVERIFY(late.stopRequested());
        QVERIFY(b.cancelled);
        QVERIFY(!b.recorded && b.records.empty());
    }

    // A run stopped while mining (its "before" evaluation done and stored) and
    // continued: the rows of "before" are read back, not written again, and
    // "after" is added once.
    void aRunPersistsItsQueriesOnceThroughAResume()
    {
        const auto project = path("resume.rlrf");
        store::Project::create(project, {"arith", demoModel(), {}, 0});
        RunContext stopping;
        stopping.onProgress = [&stopping](const Progress &p) {
            if (p.stage == "rrr mine failures")
                stopping.cancel.requestStop();
        };
        const auto first = rrr::runRrr(tiny(project), stopping);
        QVERIFY2(first.outcome == Outcome::Cancelled, first.message.c_str());
        QVERIFY(first.before.recorded);
        std::vector<store::RrrEvalQueryRecord> before;
        {
            auto opened = store::Project::open(project);
            store::RrrEvalRepository repo(opened.db());
            before = repo.queries(first.runId, store::kRrrPhaseBefore);
            QCOMPARE(before.size(), std::size_t{6});
            QVERIFY(repo.queries(first.runId, store::kRrrPhaseAfter).empty());
            QVERIFY(!repo.headroom(first.runId, store::kRrrPhaseAfter).has_value());
            const auto expected = first.before.records;
            for (std::size_t i = 0; i < before.size(); ++i) {
                QCOMPARE(before[i].position, std::int64_t(i));
                QCOMPARE(before[i].firstAttempt, expected[i].firstAttempt);
                QCOMPARE(before[i].ownReflection, expected[i].ownReflection);
                QCOMPARE(before[i].oracleReflection, expected[i].oracleReflection);
                QCOMPARE(before[i].oracleRetry, expected[i].oracleRetry);
                QCOMPARE(before[i].oracleCorrect, expected[i].oracleCorrect);
            }
            const auto headroom = repo.headroom(first.runId, store::kRrrPhaseBefore);
            QVERIFY(headroom.has_value());
            QCOMPARE(headroom->failures, first.before.failures());
            QCOMPARE(headroom->oracleSolved, first.before.oracleSolved);
        }

        const auto second = rrr::runRrr(tiny(project), RunContext{});
        QVERIFY2(second.outcome == Outcome::Succeeded, second.message.c_str());
        QVERIFY(second.resumed);
        QCOMPARE(second.runId, first.runId);
        // Read back from the store: the same records and headroom as written.
        QVERIFY(second.before.recorded);
        QCOMPARE(second.before.records.size(), std::size_t{6});
        QCOMPARE(second.before.failures(), first.before.failures());
        QCOMPARE(second.before.ownSolved(), first.before.ownSolved());
        QCOMPARE(second.before.oracleSolved, first.before.oracleSolved);
        QCOMPARE(second.before.oracleAvailable, first.before.oracleAvailable);
        QVERIFY(second.after.recorded);
        auto opened = store::Project::open(project);
        store::RrrEvalRepository repo(opened.db());
        QCOMPARE(repo.count(first.runId), std::int64_t{12}); // 6 before, 6 after, none twice
        const auto after = repo.headroom(first.runId, store::kRrrPhaseAfter);
        QVERIFY(after.has_value());
        QCOMPARE(after->failures, second.after.failures());
        QCOMPARE(after->ownSolved, second.after.ownSolved());
        QCOMPARE(after->oracleSolved, second.after.oracleSolved);
        QCOMPARE(after->oracleAvailable, second.after.oracleAvailable);
        const auto again = repo.queries(first.runId, store::kRrrPhaseBefore);
        QCOMPARE(again.size(), before.size());
        for (std::size_t i = 0; i < again.size(); ++i)
            QCOMPARE(again[i].ownRetry, before[i].ownRetry);
    }
};

QTEST_GUILESS_MAIN(TestRrrHeadroom)
#include "tst_rrr_headroom.moc"
