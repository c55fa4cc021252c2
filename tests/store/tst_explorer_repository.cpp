// SPDX-License-Identifier: GPL-3.0-or-later
// The Explorer's queries on a real project file: per-prompt summaries (counts,
// best and worst score from each candidate's newest parsed critique, gap, state),
// search with wildcard characters taken literally, split and state filters, the
// sort keys with keyset paging, candidates with their critiques, and a refinement
// beside its original with the per-aspect changes. The fixture is
// tests/common/store_fixture plus rows added here; every expected value follows
// from the rows written in init(), worked out by hand in the comments.
#include "common/error_assert.h"
#include "common/store_fixture.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/explorer_repository.h"
#include "store/prompt_repository.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;
using store::PromptState;

class TestExplorerRepository : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = (m_dir.path() + QStringLiteral("/e%1.rlrf").arg(++m_counter)).toStdString();
        m_project = std::make_unique<store::Project>(store::Project::create(m_path, {"arith", "models/demo", {}, 0}));
        m_ids = test::buildSmallProject(*m_project);
        auto &db = m_project->db();
        store::PromptRepository prompts(db);
        const auto set = prompts.createSet({0, "extra", "jsonl", "extra.jsonl", {}});
        // C: no candidate. D: one unjudged candidate. E: judged, but the parse failed.
        m_promptC = prompts.insert({0, set, "A shop gives 50% off 8 apples.", {}, store::Split::Validation, "extra.jsonl", 1, "{}"});
        m_promptD = prompts.insert({0, set, "Tom has 4 cars and buys 3 more.", {}, store::Split::Train, "extra.jsonl", 2, "{}"});
        m_promptE = prompts.insert({0, set, "Ann has 9 pens and loses 2.", {}, store::Split::Train, "extra.jsonl", 3, "{}"});
        store::CandidateRepository candidates(db);
        store::CandidateRecord c;
        c.promptId = m_promptD;
        c.text = "4 + 3 = 7\nAnswer: 7";
        m_candD = candidates.insert(c);
        c.promptId = m_promptE;
        c.text = "9 - 2 = 7";
        m_candE = candidates.insert(c);
        store::CritiqueRepository critiques(db);
        auto failed = test::makeCritique(0, 0.0, "model:judge");
        failed.aspects.clear();
        failed.parseStatus = feedback::ParseStatus::Failed;
        failed.parseError = "no JSON object in the answer";
        critiques.insert({m_candE, m_ids.rubricVersionId, failed});
        // A newer person's critique lifts candA2 from 0.0 to 0.5, and a newer failed
        // parse on candA1 must not hide its 1.0.
        critiques.insert({m_ids.candA2, m_ids.rubricVersionId, test::makeCritique(2, 0.5, "human:ann")});
        critiques.insert({m_ids.candA1, m_ids.rubricVersionId, failed});
    }
    void cleanup() { m_project.reset(); }

    void summariesCountAndScore()
    {
        store::ExplorerRepository explorer(m_project->db());
        // A: candA1 1.0, candA2 0.5 (human, newest), refinedA2 1.0 -> best 1.0, worst 0.5.
        const auto a = explorer.prompt(m_ids.promptA);
        QCOMPARE(a.samples, 2);
        QCOMPARE(a.refinements, 1);
        QCOMPARE(a.judged, 3);
        QCOMPARE(a.best.value(), 1.0);
        QCOMPARE(a.worst.value(), 0.5);
        QCOMPARE(a.gap().value(), 0.5);
        QCOMPARE(int(a.state), int(PromptState::Refined));
        const auto b = explorer.prompt(m_ids.promptB); // candB1 0.5 alone
        QCOMPARE(b.gap().value(), 0.0);
        QCOMPARE(int(b.state), int(PromptState::Judged));
        QCOMPARE(int(explorer.prompt(m_promptC).state), int(PromptState::New));
        QCOMPARE(int(explorer.prompt(m_promptD).state), int(PromptState::Sampled));
        const auto e = explorer.prompt(m_promptE); // judged, but nothing parsed: no score
        QCOMPARE(int(e.state), int(PromptState::Judged));
        QVERIFY(!e.best.has_value());
        QVERIFY(!e.gap().has_value());
        RLRF_VERIFY_THROWS_WITH(explorer.prompt(9999), "prompt 9999 does not exist");
    }

    void sortsByScoreGapAndState()
    {
        store::ExplorerRepository explorer(m_project->db());
        auto ids = [&](const std::string &key, bool descending) {
            QList<qint64> out;
            for (const auto &s : explorer.prompts({0, 100, key, descending, {}}))
                out << s.id;
            return out;
        };
        const qint64 A = m_ids.promptA, B = m_ids.promptB, C = m_promptC, D = m_promptD, E = m_promptE;
        // Scores: A 1.0, B 0.5; C, D, E none (-> last, ties by id in the same direction).
        QCOMPARE(ids("score", true), (QList<qint64>{A, B, E, D, C}));
        QCOMPARE(ids("score", false), (QList<qint64>{C, D, E, B, A}));
        // Gaps: A 0.5, B 0.0, others none.
        QCOMPARE(ids("gap", true), (QList<qint64>{A, B, E, D, C}));
        // States: C new 0, D sampled 1, B and E judged 2, A refined 3.
        QCOMPARE(ids("state", false), (QList<qint64>{C, D, B, E, A}));
        QCOMPARE(ids("candidates", true), (QList<qint64>{A, E, D, B, C}));
        RLRF_VERIFY_THROWS_WITH(explorer.prompts({0, 10, "best; DROP TABLE prompts", false, {}}), "unknown sort key");
    }

    void keysetPagesFollowTheSortOrder()
    {
        store::ExplorerRepository explorer(m_project->db());
        QList<qint64> walked;
        std::optional<std::int64_t> after;
        for (int guard = 0; guard < 10; ++guard) {
            const auto page = explorer.prompts({0, 2, "score", true, after});
            if (page.empty())
                break;
            for (const auto &s : page)
                walked << s.id;
            after = page.back().id;
        }
        QCOMPARE(walked, (QList<qint64>{m_ids.promptA, m_ids.promptB, m_promptE, m_promptD, m_promptC}));
    }

    void orderThenPagesById()
    {
        store::ExplorerRepository explorer(m_project->db());
        const auto order = explorer.promptOrder("score", true);
        QCOMPARE(QList<qint64>(order.begin(), order.end()),
                 (QList<qint64>{m_ids.promptA, m_ids.promptB, m_promptE, m_promptD, m_promptC}));
        store::PromptFilter f;
        f.split = store::Split::Train;
        const auto train = explorer.promptOrder("state", false, f); // D sampled, E judged, A refined
        QCOMPARE(QList<qint64>(train.begin(), train.end()), (QList<qint64>{m_promptD, m_promptE, m_ids.promptA}));
        const auto rows = explorer.promptsByIds({m_promptE, 4242, m_ids.promptA});
        QCOMPARE(rows.size(), size_t(2)); // a missing id is left out, the order kept
        QCOMPARE(rows[0].id, m_promptE);
        QCOMPARE(rows[1].best.value(), 1.0);
        QVERIFY(explorer.promptsByIds({}).empty());
        RLRF_VERIFY_THROWS_WITH(explorer.promptOrder("overall", true), "unknown sort key");
    }

    void filtersBySearchSplitAndState()
    {
        store::ExplorerRepository explorer(m_project->db());
        store::PromptFilter f;
        f.search = "7 *"; // "What is 7 * 6?"
        QCOMPARE(explorer.countPrompts(f), 1);
        QCOMPARE(explorer.prompts({}, f).at(0).id, m_ids.promptB);
        f.search = "50%"; // literal percent sign, not a wildcard
        QCOMPARE(explorer.countPrompts(f), 1);
        f.search = "0%"; // would match everything with a digit if % were a wildcard
        QCOMPARE(explorer.prompts({}, f).size(), size_t(1));
        f.search = "what IS"; // ASCII case folding
        QCOMPARE(explorer.countPrompts(f), 2);
        f = {};
        f.split = store::Split::Train; // A, D, E
        QCOMPARE(explorer.countPrompts(f), 3);
        f.state = PromptState::Judged; // E (B is a test prompt)
        QCOMPARE(explorer.countPrompts(f), 1);
        QCOMPARE(explorer.prompts({}, f).at(0).id, m_promptE);
    }

    void candidatesComeWithTheirCritiques()
    {
        store::ExplorerRepository explorer(m_project->db());
        const auto list = explorer.candidatesOf(m_ids.promptA);
        QCOMPARE(list.size(), size_t(3));
        QCOMPARE(list[0].candidate.id, m_ids.candA1);
        QCOMPARE(list[0].critiques.size(), size_t(2)); // fixture's 1.0, then the failed parse
        QCOMPARE(list[0].latestParsed()->id, m_ids.critA1);
        QCOMPARE(list[1].latestParsed()->critique.judge, std::string("human:ann"));
        QVERIFY(list[2].candidate.isRefinement());
        QVERIFY(explorer.candidatesOf(m_promptC).empty());
    }

    void refinementStandsBesideItsOriginal()
    {
        store::ExplorerRepository explorer(m_project->db());
        const auto view = explorer.refinement(m_ids.refinedA2);
        QCOMPARE(view.original.id, m_ids.candA2);
        QCOMPARE(view.original.text, std::string("2 + 3 = 6"));
        QCOMPARE(view.critiqueUsed.id, m_ids.critA2);
        QCOMPARE(view.refinedCritique->id, m_ids.critRefinedA2);
        QCOMPARE(view.aspectChanges.size(), size_t(8)); // every aspect from 1 to 3
        for (const auto &change : view.aspectChanges) {
            QCOMPARE(change.before, 1);
            QCOMPARE(change.after, 3);
        }
        RLRF_VERIFY_THROWS_WITH(explorer.refinement(m_ids.candA1), "is not a refinement");
        RLRF_VERIFY_THROWS_WITH(explorer.refinement(424242), "candidate 424242 does not exist");
    }

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::string m_path;
    std::unique_ptr<store::Project> m_project;
    test::SmallProject m_ids;
    std::int64_t m_promptC = 0, m_promptD = 0, m_promptE = 0, m_candD = 0, m_candE = 0;
};

QTEST_GUILESS_MAIN(TestExplorerRepository)
#include "tst_explorer_repository.moc"
