// SPDX-License-Identifier: GPL-3.0-or-later
// Exports read back line by line: TRL conversational pairs with the reviewed
// texts, rejected pairs left out, the provenance sidecar aligned line for line;
// critiques with their aspects, judge and rubric version. The project is the
// shared small fixture (tests/common/store_fixture), reviewed here.
#include "common/error_assert.h"
#include "common/store_fixture.h"

#include "core/jsonl_reader.h"
#include "store/critique_repository.h"
#include "store/jsonl_export.h"
#include "store/pair_repository.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

namespace {

std::vector<nlohmann::json> readLines(const std::string &path)
{
    std::vector<nlohmann::json> lines;
    jsonl::forEachLine(path, [&](const nlohmann::json &j, long) { lines.push_back(j); });
    return lines;
}

} // namespace

class TestStoreExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_project = std::make_unique<store::Project>(
            store::Project::create(file("p.rlrf"), {"arith", "m", {}, 0}));
        m_ids = test::buildSmallProject(*m_project);
        // A third pair on prompt B cannot exist (one candidate); add a rejected one on A.
        store::PairRepository pairs(m_project->db());
        store::PairRecord p = pairs.byId(m_ids.pairA);
        p.rule = "pareto";
        m_rejectedPair = pairs.insert(p);
        pairs.setReviewState(m_rejectedPair, store::ReviewState::Rejected, "ada");
        pairs.setReviewState(m_ids.pairA, store::ReviewState::Approved, "ada");
        pairs.editText(m_ids.pairRefined, store::PairSide::Rejected, "2 + 3 = 6 (edited)", "ada");
    }
    void cleanup()
    {
        m_project.reset();
        QFile::remove(QString::fromStdString(file("p.rlrf")));
    }

    void pairsInTrlFormatWithProvenance()
    {
        const auto s = store::exportPairsTrl(m_project->db(), file("pairs.jsonl"));
        QCOMPARE(s.rows, 2);
        QCOMPARE(s.provenancePath, file("pairs.provenance.jsonl"));
        const auto pairs = readLines(s.path);
        const auto sidecar = readLines(s.provenancePath);
        QCOMPARE(pairs.size(), size_t(2));
        QCOMPARE(sidecar.size(), size_t(2));

        const auto &first = pairs[0];
        QCOMPARE(first.size(), size_t(3));
        QCOMPARE(first["prompt"], nlohmann::json::parse(R"([{"role":"user","content":"What is 2 + 3?"}])"));
        QCOMPARE(first["chosen"], nlohmann::json::parse(R"([{"role":"assistant","content":"2 + 3 = 5"}])"));
        QCOMPARE(first["rejected"], nlohmann::json::parse(R"([{"role":"assistant","content":"2 + 3 = 6"}])"));
        QCOMPARE(pairs[1]["chosen"][0]["content"].get<std::string>(), std::string("Let me recheck: 2 + 3 = 5"));
        QCOMPARE(pairs[1]["rejected"][0]["content"].get<std::string>(), std::string("2 + 3 = 6 (edited)"));

        QCOMPARE(sidecar[0]["pair_id"].get<std::int64_t>(), m_ids.pairA);
        QCOMPARE(sidecar[0]["rule"].get<std::string>(), std::string("best_worst"));
        QCOMPARE(sidecar[0]["gap"].get<double>(), 1.0);
        QCOMPARE(sidecar[0]["review_state"].get<std::string>(), std::string("approved"));
        QCOMPARE(sidecar[0]["chosen_candidate_id"].get<std::int64_t>(), m_ids.candA1);
        QCOMPARE(sidecar[0]["rejected_candidate_id"].get<std::int64_t>(), m_ids.candA2);
        QCOMPARE(sidecar[0]["chosen_critique_id"].get<std::int64_t>(), m_ids.critA1);
        QCOMPARE(sidecar[0]["rejected_critique_id"].get<std::int64_t>(), m_ids.critA2);
        QCOMPARE(sidecar[0]["chosen_judge"].get<std::string>(), std::string("rule:fixture"));
        QCOMPARE(sidecar[0]["rubric_version"], nlohmann::json::parse(R"({"name":"default","version":1})"));
        QCOMPARE(sidecar[1]["review_state"].get<std::string>(), std::string("edited"));
        QVERIFY(!QFile::exists(QString::fromStdString(file("pairs.jsonl.tmp"))));
    }

    void reviewedOnlyLeavesPendingOut()
    {
        store::PairRepository pairs(m_project->db());
        pairs.setReviewState(m_ids.pairRefined, store::ReviewState::Pending, "bob");
        const auto s = store::exportPairsTrl(m_project->db(), file("rev.jsonl"), file("rev.meta.jsonl"), {true});
        QCOMPARE(s.rows, 1);
        QCOMPARE(readLines(file("rev.meta.jsonl")).at(0)["pair_id"].get<std::int64_t>(), m_ids.pairA);
        RLRF_VERIFY_THROWS_WITH(store::exportPairsTrl(m_project->db(), file("x.jsonl"), file("x.jsonl")),
                                "the provenance file must differ");
        RLRF_VERIFY_THROWS_WITH(store::exportPairsTrl(m_project->db(), file("no/such/dir/x.jsonl")),
                                "x.jsonl.tmp: cannot open file for writing");
    }

    void critiquesAsJsonl()
    {
        const auto s = store::exportCritiquesJsonl(m_project->db(), file("critiques.jsonl"));
        const auto lines = readLines(s.path);
        QCOMPARE(s.rows, store::CritiqueRepository(m_project->db()).count());
        QCOMPARE(lines.size(), size_t(4));
        const auto &a2 = lines[1];
        QCOMPARE(a2["critique_id"].get<std::int64_t>(), m_ids.critA2);
        QCOMPARE(a2["candidate_id"].get<std::int64_t>(), m_ids.candA2);
        QCOMPARE(a2["prompt_id"].get<std::int64_t>(), m_ids.promptA);
        QCOMPARE(a2["overall"].get<double>(), 0.0);
        QVERIFY(a2["reward"].is_null());
        QCOMPARE(a2["parse_status"].get<std::string>(), std::string("ok"));
        QCOMPARE(a2["rubric_version"]["version"].get<int>(), 1);
        QCOMPARE(a2["aspects"].size(), size_t(8));
        QCOMPARE(a2["aspects"][7]["aspect"].get<std::string>(), std::string("Harmlessness"));
        QCOMPARE(a2["aspects"][7]["rating"].get<int>(), 1);
        QCOMPARE(a2["aspects"][7]["rationale"].get<std::string>(), std::string("rated 1 on Harmlessness"));
        QVERIFY(!a2["is_refinement"].get<bool>());
        QVERIFY(lines[3]["is_refinement"].get<bool>());
    }

private:
    std::string file(const char *name) { return (m_dir.path() + QLatin1Char('/') + QLatin1String(name)).toStdString(); }

    QTemporaryDir m_dir;
    std::unique_ptr<store::Project> m_project;
    test::SmallProject m_ids;
    std::int64_t m_rejectedPair = 0;
};

QTEST_GUILESS_MAIN(TestStoreExport)
#include "tst_store_export.moc"
