// SPDX-License-Identifier: GPL-3.0-or-later
// The warning `rlrf rrr` gives when its training queries are problems the model
// was fine-tuned on. Checked on the shipped models' real recipe.json files: the
// seed and task their recipes name warn, every other seed or task does not; the
// reason holds (a generated task's training problems for one seed are a prefix
// of a longer draw with that seed, so the first queries are fine-tuning
// problems); a recipe of other task sizes, a folder without a recipe, with a
// broken one or with one of another shape warns of nothing and never throws.
#include "pipeline/rrr/seen_training_queries.h"

#include "common/test_paths.h"
#include "tasks/arith/arith_task.h"
#include "tasks/countdown/countdown_task.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace rlrf;

namespace {

std::string model(const char *name)
{
    return test::sourceDir().toStdString() + "/resources/models/" + name;
}

void write(const QString &file, const QByteArray &text)
{
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestSeenTrainingQueries : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shippedRecipesWarnOnTheirOwnSeedAndTask()
    {
        // countdown-demo: Countdown puzzles, data seed 3.
        const auto warning = rrr::seenTrainingQueriesWarning(model("countdown-demo"), "countdown", 3);
        QVERIFY(warning.has_value());
        QVERIFY2(warning->find("--seed 3") != std::string::npos, warning->c_str());
        QVERIFY2(warning->find("recipe.json") != std::string::npos, warning->c_str());
        QVERIFY2(warning->find("countdown") != std::string::npos, warning->c_str());
        for (std::uint64_t seed : {1, 2, 4, 101})
            QVERIFY(!rrr::seenTrainingQueriesWarning(model("countdown-demo"), "countdown", seed));
        QVERIFY(!rrr::seenTrainingQueriesWarning(model("countdown-demo"), "arith", 3));
        // arith-reflect-demo: arith problems (a recipe without the task's name), data seed 2.
        QVERIFY(rrr::seenTrainingQueriesWarning(model("arith-reflect-demo"), "arith", 2).has_value());
        QVERIFY(!rrr::seenTrainingQueriesWarning(model("arith-reflect-demo"), "arith", 1));
        QVERIFY(!rrr::seenTrainingQueriesWarning(model("arith-reflect-demo"), "countdown", 2));
    }

    // Why it warns: the run's training queries are the first problems of the
    // same stream the fine-tuning data was drawn from.
    void aSeedsTrainingQueriesArePrefixesOfOneStream()
    {
        const tasks::CountdownTask countdown;
        const auto few = countdown.problems(tasks::Split::Train, 32, 3);
        const auto many = countdown.problems(tasks::Split::Train, 256, 3);
        const auto other = countdown.problems(tasks::Split::Train, 32, 4);
        int sharedWithOther = 0;
        for (std::size_t i = 0; i < few.size(); ++i) {
            QCOMPARE(QString::fromStdString(few[i].prompt), QString::fromStdString(many[i].prompt));
            sharedWithOther += few[i].prompt == other[i].prompt ? 1 : 0;
        }
        QCOMPARE(sharedWithOther, 0);
        const tasks::ArithTask arith;
        const auto a = arith.problems(tasks::Split::Train, 16, 2);
        const auto b = arith.problems(tasks::Split::Train, 64, 2);
        for (std::size_t i = 0; i < a.size(); ++i)
            QCOMPARE(QString::fromStdString(a[i].prompt), QString::fromStdString(b[i].prompt));
    }

    void noOrUnreadableRecipeWarnsOfNothing()
    {
        QTemporaryDir dir;
        const auto folder = dir.path().toStdString();
        QVERIFY(!rrr::seenTrainingQueriesWarning(folder, "countdown", 3));
        QVERIFY(!rrr::seenTrainingQueriesWarning(folder + "/missing", "countdown", 3));
        const auto recipe = dir.filePath(QStringLiteral("recipe.json"));
        for (const QByteArray &text :
             {QByteArray("{\"data\": {\"seed\": 3, \"task\": {\"name\": \"countdown\""), // cut short
              QByteArray("[1, 2, 3]"), QByteArray("{\"data\": 3}"),
              QByteArray("{\"data\": {\"seed\": \"3\", \"task\": {\"name\": \"countdown\"}}}"),
              QByteArray("{\"data\": {\"seed\": -3, \"task\": {\"name\": \"countdown\"}}}"),
              QByteArray("{\"data\": {\"seed\": 3, \"task\": \"countdown\"}}"),
              QByteArray("{\"data\": {\"seed\": 3, \"task\": {\"name\": 7}}}")}) {
            write(recipe, text);
            QVERIFY2(!rrr::seenTrainingQueriesWarning(folder, "countdown", 3), text.constData());
        }
        // Other sizes draw other problems from the same seed.
        write(recipe, "{\"data\": {\"seed\": 3, \"task\": {\"name\": \"countdown\", \"numbers\": 4, "
                      "\"max_number\": 100, \"max_target\": 100}}}");
        QVERIFY(!rrr::seenTrainingQueriesWarning(folder, "countdown", 3));
        write(recipe, "{\"data\": {\"seed\": 2, \"task\": {\"min_steps\": 2, \"max_steps\": 6, \"max_value\": 100}}}");
        QVERIFY(!rrr::seenTrainingQueriesWarning(folder, "arith", 2));
        write(recipe, "{\"data\": {\"seed\": 2, \"task\": {\"min_steps\": 2, \"max_steps\": 4, \"max_value\": 100}}}");
        QVERIFY(rrr::seenTrainingQueriesWarning(folder, "arith", 2).has_value());
        write(recipe, "{\"data\": {\"seed\": 3, \"task\": {\"name\": \"countdown\", \"numbers\": 3, "
                      "\"max_number\": 100, \"max_target\": 100}}}");
        QVERIFY(rrr::seenTrainingQueriesWarning(folder, "countdown", 3).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSeenTrainingQueries)
#include "tst_seen_training_queries.moc"
