// SPDX-License-Identifier: GPL-3.0-or-later
// Differences between rubric versions, on rubrics/default.json and edited copies
// of it: each kind of edit shows as exactly the change made, in a stable order.
#include "common/store_fixture.h"

#include "feedback/rubric_diff.h"
#include "types/rubric_io.h"

#include <QtTest/QtTest>

using namespace rlrf::feedback;

class TestRubricDiff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_rubric = loadRubricFile(rlrf::test::rubricPath(QStringLiteral("default.json")).toStdString());
        QCOMPARE(m_rubric.aspects.size(), size_t(8));
    }

    void equalRubricsHaveNoChanges() { QVERIFY(diffRubrics(m_rubric, m_rubric).empty()); }

    void fieldEditsAreNamed()
    {
        Rubric edited = m_rubric;
        edited.aspects[1].weight = 2.5;
        edited.aspects[2].applies = !edited.aspects[2].applies;
        edited.aspects[0].levels[2] = "Every fact is right.";
        const auto changes = diffRubrics(m_rubric, edited);
        QCOMPARE(changes.size(), size_t(3));
        QCOMPARE(changes[0].aspect, m_rubric.aspects[0].name);
        QCOMPARE(changes[0].field, std::string("level 3"));
        QCOMPARE(changes[0].after, std::string("Every fact is right."));
        QCOMPARE(changes[1].field, std::string("weight"));
        QCOMPARE(changes[1].before, std::string("1"));
        QCOMPARE(changes[1].after, std::string("2.5"));
        QCOMPARE(changes[2].field, std::string("applies"));
        QCOMPARE(describeChange(changes[1]), m_rubric.aspects[1].name + ": weight \"1\" -> \"2.5\"");
    }

    void addedRemovedAndMovedAspects()
    {
        Rubric edited = m_rubric;
        RubricAspect extra = edited.aspects.back();
        extra.name = "Brevity";
        edited.aspects.erase(edited.aspects.begin() + 3); // Insightfulness removed
        std::swap(edited.aspects[0], edited.aspects[1]);
        edited.aspects.push_back(extra);
        const auto changes = diffRubrics(m_rubric, edited);
        QCOMPARE(changes.size(), size_t(4));
        QCOMPARE(changes[0].kind, RubricChange::Kind::AspectMoved); // Factuality 1 -> 2
        QCOMPARE(changes[0].after, std::string("2"));
        QCOMPARE(changes[1].kind, RubricChange::Kind::AspectMoved); // Logical Correctness 2 -> 1
        QCOMPARE(changes[2].kind, RubricChange::Kind::AspectRemoved);
        QCOMPARE(changes[2].aspect, std::string("Insightfulness"));
        QCOMPARE(changes[3].kind, RubricChange::Kind::AspectAdded);
        QCOMPARE(describeChange(changes[3]), std::string("Brevity: added"));
    }

private:
    Rubric m_rubric;
};

QTEST_GUILESS_MAIN(TestRubricDiff)
#include "tst_rubric_diff.moc"
