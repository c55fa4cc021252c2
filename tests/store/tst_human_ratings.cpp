// Human ratings through the store: a person overrides one aspect of a judged
// candidate; a new human critique is stored with provenance, the judge's stays.
#include "common/store_fixture.h"
#include "common/test_paths.h"

#include "core/error.h"
#include "pipeline/critique/human_ratings.h"
#include "store/critique_repository.h"
#include "store/rubric_repository.h"
#include "types/rubric_io.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

class TestHumanRatings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void overrideIsStoredBesideTheJudge()
    {
        try {
            checkOverride();
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
    }

private:
    void checkOverride()
    {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.rlrf")).toStdString(), {"arith", "models/demo", {}, 0});
        const auto ids = test::buildSmallProject(project);
        store::CritiqueRepository critiques(project.db());
        const auto before = critiques.forCandidate(ids.candA1);

        const auto stored = store::recordHumanRatings(project, ids.candA1, "ana",
                                                      {{"logical correctness", 1, "step 2 adds instead of subtracting"}});
        const auto after = critiques.forCandidate(ids.candA1);
        QCOMPARE(after.size(), before.size() + 1);
        const auto &human = after.back().critique;
        QCOMPARE(after.back().id, stored.critiqueId);
        QCOMPARE(human.judge, std::string("human:ana"));
        // The judge's critique is untouched.
        QCOMPARE(after.front().critique.judge, before.front().critique.judge);
        int overridden = 0;
        for (size_t i = 0; i < human.aspects.size(); ++i) {
            if (human.aspects[i].aspect == "Logical Correctness") {
                QCOMPARE(human.aspects[i].rating, 1);
                QCOMPARE(human.aspects[i].rationale, std::string("step 2 adds instead of subtracting"));
                ++overridden;
            } else {
                QCOMPARE(human.aspects[i].rating, before.back().critique.aspects[i].rating);
            }
        }
        QCOMPARE(overridden, 1);
        QVERIFY(human.overall < before.back().critique.overall);
        const auto provenance = nlohmann::json::parse(human.rawOutput);
        QCOMPARE(provenance["rated_by"].get<std::string>(), std::string("ana"));
        QCOMPARE(provenance["aspects"][0].get<std::string>(), std::string("Logical Correctness"));
    }

private Q_SLOTS:
    void badRatingsWriteNothing_data()
    {
        QTest::addColumn<QString>("aspect");
        QTest::addColumn<int>("rating");
        QTest::addColumn<QString>("rationale");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown aspect") << "Creativity" << 2 << "x" << "no aspect 'Creativity'";
        QTest::newRow("rating 4") << "Readability" << 4 << "x" << "rating must be 1, 2 or 3";
        QTest::newRow("no rationale") << "Readability" << 2 << " " << "needs a rationale";
    }

    void badRatingsWriteNothing()
    {
        QFETCH(QString, aspect);
        QFETCH(int, rating);
        QFETCH(QString, rationale);
        QFETCH(QString, message);
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.rlrf")).toStdString(), {"arith", "models/demo", {}, 0});
        const auto ids = test::buildSmallProject(project);
        store::CritiqueRepository critiques(project.db());
        const auto count = critiques.count();
        try {
            store::recordHumanRatings(project, ids.candA1, "ana",
                                      {{aspect.toStdString(), rating, rationale.toStdString()}});
            QFAIL("must throw");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
        QCOMPARE(critiques.count(), count);
    }

    // A rating without the rater's name has no provenance; a rating of an aspect
    // the rubric marks as not applying (math.json: Insightfulness, Harmlessness)
    // would score what the rubric leaves out. Both are refused and write nothing.
    void raterAndApplicabilityAreChecked()
    {
        QTemporaryDir dir;
        auto project = store::Project::create(dir.filePath(QStringLiteral("p.rlrf")).toStdString(), {"arith", "models/demo", {}, 0});
        const auto ids = test::buildSmallProject(project);
        store::CritiqueRepository critiques(project.db());
        const auto count = critiques.count();
        try {
            store::recordHumanRatings(project, ids.candA1, "", {{"Readability", 2, "fine"}});
            QFAIL("a rating without a rater was stored");
        } catch (const Error &e) {
            QCOMPARE(std::string(e.what()), std::string("'person': a human rating needs the rater's name"));
        }
        QCOMPARE(critiques.count(), count);

        store::RubricRepository(project.db())
            .save(feedback::loadRubricFile(test::sourceDir().toStdString() + "/rubrics/math.json"));
        try {
            store::recordHumanRatings(project, ids.candA1, "ana", {{"harmlessness", 3, "nothing harmful"}});
            QFAIL("a rating of an aspect that does not apply was stored");
        } catch (const Error &e) {
            QCOMPARE(std::string(e.what()), std::string("'Harmlessness': aspect 'Harmlessness' does not apply to this task"));
        }
        QCOMPARE(critiques.count(), count);
        // An applying aspect under the same rubric is stored.
        store::recordHumanRatings(project, ids.candA1, "ana", {{"Readability", 2, "fine"}});
        QCOMPARE(critiques.count(), count + 1);
    }
};

QTEST_GUILESS_MAIN(TestHumanRatings)
#include "tst_human_ratings.moc"
