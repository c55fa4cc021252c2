// SPDX-License-Identifier: GPL-3.0-or-later
// Rubric files: the shipped rubrics/default.json carries the eight aspects of
// METHOD.md §1 with three written levels each, rubrics/math.json is a valid
// variant; the list and object forms of levels mean the same; writing and reading
// back is the identity; and every kind of invalid rubric is refused with a message
// naming the field and the cause (one data row each).
#include "common/error_assert.h"
#include "common/store_fixture.h"

#include "core/json_io.h"
#include "types/rubric_io.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

namespace {

// A valid one-aspect rubric; rows below break it in one place each.
nlohmann::json validRubric()
{
    return nlohmann::json::parse(R"({
        "name": "tiny",
        "description": "one aspect",
        "aspects": [
            {"name": "Factuality", "description": "true facts",
             "levels": {"1": "false", "2": "partly", "3": "all true"}, "weight": 1, "applies": true},
            {"name": "Readability", "description": "clear",
             "levels": ["unclear", "so-so", "clear"]}
        ]})");
}

} // namespace

class TestRubricIo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultRubricHasTheEightAspects()
    {
        std::vector<std::string> warnings;
        const auto rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("default.json")).toStdString(), &warnings);
        QVERIFY(warnings.empty());
        QCOMPARE(rubric.name, std::string("default"));
        QCOMPARE(rubric.aspects.size(), size_t(8));
        for (size_t i = 0; i < 8; ++i) {
            const auto &a = rubric.aspects[i];
            QCOMPARE(a.name, test::defaultAspectNames()[i]); // the order of METHOD.md §1
            QVERIFY(!a.description.empty());
            for (const auto &level : a.levels)
                QVERIFY2(level.size() > 20, a.name.c_str()); // written out, not placeholders
            QCOMPARE(a.weight, 1.0);
            QVERIFY(a.applies);
        }
    }

    void mathRubricIsAVariant()
    {
        std::vector<std::string> warnings;
        const auto rubric = feedback::loadRubricFile(test::rubricPath(QStringLiteral("math.json")).toStdString(), &warnings);
        QVERIFY(warnings.empty());
        QCOMPARE(rubric.name, std::string("math"));
        QCOMPARE(rubric.aspects.size(), size_t(8));
        std::map<std::string, feedback::RubricAspect> byName;
        for (const auto &a : rubric.aspects)
            byName[a.name] = a;
        QVERIFY(!byName.at("Insightfulness").applies);
        QVERIFY(!byName.at("Harmlessness").applies);
        QVERIFY(byName.at("Logical Correctness").applies);
        QVERIFY(byName.at("Logical Correctness").weight > byName.at("Readability").weight);
    }

    void levelFormsAgreeAndRoundTrip()
    {
        const auto rubric = feedback::parseRubric(validRubric(), "tiny.json");
        QCOMPARE(rubric.aspects[1].levels[0], std::string("unclear"));
        QCOMPARE(rubric.aspects[1].levels[2], std::string("clear"));
        QCOMPARE(rubric.aspects[1].weight, 1.0); // default
        QVERIFY(rubric.aspects[1].applies);      // default

        QTemporaryDir dir;
        const std::string path = (dir.path() + QStringLiteral("/tiny.json")).toStdString();
        feedback::saveRubricFile(path, rubric);
        const auto back = feedback::loadRubricFile(path);
        QCOMPARE(feedback::rubricToText(back), feedback::rubricToText(rubric));
        // The canonical form writes levels as an object, whatever the input used.
        QVERIFY(json::readFile(path)["aspects"][1]["levels"].is_object());
        QCOMPARE(json::readFile(path)["aspects"][1]["levels"]["2"].get<std::string>(), std::string("so-so"));
    }

    void notEightAspectsIsAWarning()
    {
        std::vector<std::string> warnings;
        feedback::parseRubric(validRubric(), "tiny.json", &warnings);
        QCOMPARE(warnings.size(), size_t(1));
        QCOMPARE(warnings[0], std::string("tiny.json: rubric 'tiny' has 2 aspects; the RLRF rubric has 8"));
    }

    void invalidRubricsAreRefused_data()
    {
        QTest::addColumn<QString>("patch");    // JSON Pointer path to change
        QTest::addColumn<QString>("value");    // new value as JSON; "DELETE" removes the key
        QTest::addColumn<QString>("expected"); // part of the message

        QTest::newRow("unknown top-level key") << "/nmae" << "\"x\"" << "tiny.json: 'nmae': unknown key (allowed: aspects, description, name)";
        QTest::newRow("unknown aspect key") << "/aspects/0/wieght" << "2" << "tiny.json: 'aspects[0].wieght': unknown key";
        QTest::newRow("missing name") << "/name" << "DELETE" << "tiny.json: 'name': missing required field";
        QTest::newRow("empty name") << "/name" << "\"  \"" << "tiny.json: 'name': must not be empty";
        QTest::newRow("empty aspect name") << "/aspects/1/name" << "\"\"" << "'aspects[1].name': must not be empty";
        QTest::newRow("missing description") << "/aspects/0/description" << "DELETE" << "'aspects[0].description': missing required field";
        QTest::newRow("missing level") << "/aspects/0/levels/2" << "DELETE" << "'aspects[0].levels': missing level 2";
        QTest::newRow("extra level") << "/aspects/0/levels/4" << "\"superb\"" << "'aspects[0].levels.4': unknown key (allowed: 1, 2, 3)";
        QTest::newRow("empty level") << "/aspects/0/levels/3" << "\"\"" << "'aspects[0].levels.3': must not be empty";
        QTest::newRow("two levels in a list") << "/aspects/1/levels" << "[\"a\", \"b\"]" << "'aspects[1].levels': needs exactly three levels";
        QTest::newRow("level not text") << "/aspects/1/levels/1" << "2" << "'aspects[1].levels[1]': must be a string, not number";
        QTest::newRow("levels missing") << "/aspects/1/levels" << "DELETE" << "'aspects[1].levels': missing required field";
        QTest::newRow("non-numeric weight") << "/aspects/0/weight" << "\"2\"" << "'aspects[0].weight': weight must be a number, not string";
        QTest::newRow("negative weight") << "/aspects/0/weight" << "-0.5" << "'aspects[0].weight': weight must not be negative (-0.5)";
        QTest::newRow("applies not boolean") << "/aspects/0/applies" << "\"yes\"" << "'aspects[0].applies': applies must be true or false";
        QTest::newRow("duplicate aspect") << "/aspects/1/name" << "\"factuality\"" << "'aspects[1].name': duplicate aspect 'factuality'";
        QTest::newRow("no aspects") << "/aspects" << "[]" << "'aspects': must be a non-empty list of aspects";
        QTest::newRow("aspect not an object") << "/aspects/1" << "\"Readability\"" << "'aspects[1]': an aspect must be an object, not string";
        QTest::newRow("nothing applies") << "/aspects/1/applies" << "false" << "NOTHING_SCORED";
    }

    void invalidRubricsAreRefused()
    {
        QFETCH(QString, patch);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        auto doc = validRubric();
        const nlohmann::json::json_pointer pointer(patch.toStdString());
        if (value == QStringLiteral("DELETE"))
            doc[pointer.parent_pointer()].erase(pointer.back());
        else
            doc[pointer] = nlohmann::json::parse(value.toStdString());
        if (expected == QStringLiteral("NOTHING_SCORED")) {
            // Both aspects out of the score: the first one has weight 0.
            doc["aspects"][0]["weight"] = 0;
            expected = QStringLiteral("'aspects': no aspect applies with a positive weight");
        }
        RLRF_VERIFY_THROWS_WITH(feedback::parseRubric(doc, "tiny.json"), expected.toStdString());
    }

    void notJsonNamesTheLine()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + QStringLiteral("/broken.json")).toStdString();
        json::writeFileAtomically(path, "{\n  \"name\": \"x\",\n  \"aspects\": [,]\n}\n");
        RLRF_VERIFY_THROWS_WITH(feedback::loadRubricFile(path), "broken.json:3: invalid JSON");
    }
};

QTEST_GUILESS_MAIN(TestRubricIo)
#include "tst_rubric_io.moc"
