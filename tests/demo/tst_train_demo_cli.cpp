// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf train-demo` end to end on a tiny budget (a few steps of each phase on a
// sliver of the data): it writes a loadable Hugging Face folder with its recipe, and `rlrf
// eval` measures it with the contract's JSON last line; bad arguments get usage
// errors, a missing model a message naming it.
#include "common/cli_runner.h"

#include "model/text_model.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using rlrf::test::runCli;

namespace {

nlohmann::json lastJsonLine(const QByteArray &out)
{
    const auto lines = out.trimmed().split('\n');
    return nlohmann::json::parse(lines.last().toStdString());
}

} // namespace

class TestTrainDemoCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_model = m_tmp.filePath(QStringLiteral("demo"));
        const auto r = runCli({QStringLiteral("train-demo"), QStringLiteral("--out"), m_model, QStringLiteral("--steps"),
                               QStringLiteral("3"), QStringLiteral("--steps2"), QStringLiteral("2"),
                               QStringLiteral("--data-scale"), QStringLiteral("0.01")});
        QVERIFY(r.finished);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto result = lastJsonLine(r.out);
        QCOMPARE(QString::fromStdString(result["outcome"].get<std::string>()), QStringLiteral("succeeded"));
        QCOMPARE(result["steps"].get<int>(), 3 + 2); // both phases ran
    }

    void writesALoadableFolderWithItsRecipe()
    {
        for (const char *file : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                                 "chat_template.jinja", "generation_config.json", "recipe.json"})
            QVERIFY2(QFile::exists(m_model + QLatin1Char('/') + QLatin1String(file)), file);
        const auto model = rlrf::model::TextModel::load(m_model.toStdString());
        QVERIFY(model.hasChatTemplate());
        QCOMPARE(model.policy().config().numLayers, std::int64_t(4));
        // The end-of-turn token closes every completion, so it must stop generation.
        const auto end = model.tokenizer().tokenToId("<|end|>");
        QVERIFY(end.has_value());
        QCOMPARE(model.stopIds().front(), std::int64_t(*end));
        // Digits are single tokens.
        QCOMPARE(model.encode("37").size(), std::size_t(2));
    }

    // The dump is the exact mix the recipe trains on, in `rlrf sft`'s format: a
    // user can read what the demo model learned, or fine-tune on part of it.
    void dumpDataWritesTheMixForSft()
    {
        const QString dump = m_tmp.filePath(QStringLiteral("mix.jsonl"));
        auto r = runCli({QStringLiteral("train-demo"), QStringLiteral("--dump-data"), dump, QStringLiteral("--data-scale"),
                         QStringLiteral("0.01")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(dump);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QMap<QString, int> kinds;
        int lines = 0;
        while (!file.atEnd()) {
            const auto row = nlohmann::json::parse(file.readLine().toStdString());
            ++kinds[QString::fromStdString(row.at("kind").get<std::string>())];
            QCOMPARE(row.at("completion").at(0).at("role").get<std::string>(), std::string("assistant"));
            QCOMPARE(row.at("prompt").back().at("role").get<std::string>(), std::string("user"));
            ++lines;
        }
        // 1 % of 16,000 answers, 4,000 refinements and 2,000 reflections (each with its retry).
        QCOMPARE(kinds.value(QStringLiteral("answer")), 160);
        QCOMPARE(kinds.value(QStringLiteral("refinement")), 40);
        QCOMPARE(kinds.value(QStringLiteral("reflection")), 20);
        QCOMPARE(kinds.value(QStringLiteral("retry")), 20);
        QCOMPARE(lines, 240);
        r = runCli({QStringLiteral("sft"), QStringLiteral("--model"), m_model, QStringLiteral("--data"), dump,
                    QStringLiteral("--out"), m_tmp.filePath(QStringLiteral("tuned")), QStringLiteral("--max-steps"),
                    QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    // The second recipe fine-tunes the first model on its worked-reflection mix:
    // same tokenizer and architecture, retries that are the Answer line alone.
    void reflectRecipeFineTunesTheFirstModel()
    {
        const QString out = m_tmp.filePath(QStringLiteral("reflect"));
        auto r = runCli({QStringLiteral("train-demo"), QStringLiteral("--recipe"), QStringLiteral("arith-reflect-demo"),
                         QStringLiteral("--from"), m_model, QStringLiteral("--out"), out, QStringLiteral("--steps"),
                         QStringLiteral("2"), QStringLiteral("--data-scale"), QStringLiteral("0.01")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(lastJsonLine(r.out)["steps"].get<int>(), 2); // one phase only
        QFile recipeFile(out + QStringLiteral("/recipe.json"));
        QVERIFY(recipeFile.open(QIODevice::ReadOnly));
        const auto recipe = nlohmann::json::parse(recipeFile.readAll().toStdString());
        QCOMPARE(recipe.at("name").get<std::string>(), std::string("arith-reflect-demo"));
        QCOMPARE(recipe.at("starts_from").get<std::string>(), std::string("arith-demo"));
        QCOMPARE(recipe.at("data").at("reflection_form").get<std::string>(), std::string("worked"));
        QCOMPARE(recipe.at("data").at("retry_form").get<std::string>(), std::string("answer-line"));
        QVERIFY(!recipe.contains("tokenizer")); // the start model's
        QCOMPARE(QFile(out + QStringLiteral("/tokenizer.json")).size(), QFile(m_model + QStringLiteral("/tokenizer.json")).size());
        // The first recipe's recipe.json is as it always was: no name, no forms.
        QFile first(m_model + QStringLiteral("/recipe.json"));
        QVERIFY(first.open(QIODevice::ReadOnly));
        const auto firstRecipe = nlohmann::json::parse(first.readAll().toStdString());
        QVERIFY(!firstRecipe.contains("name") && !firstRecipe.at("data").contains("reflection_form"));

        r = runCli({QStringLiteral("train-demo"), QStringLiteral("--recipe"), QStringLiteral("arith-reflect-demo"),
                    QStringLiteral("--from"), m_tmp.filePath(QStringLiteral("nowhere")), QStringLiteral("--out"),
                    m_tmp.filePath(QStringLiteral("r2")), QStringLiteral("--steps"), QStringLiteral("1"),
                    QStringLiteral("--data-scale"), QStringLiteral("0.01")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nowhere"), r.err.constData());
        r = runCli({QStringLiteral("train-demo"), QStringLiteral("--recipe"), QStringLiteral("chess")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("arith-reflect-demo"), r.err.constData());
        r = runCli({QStringLiteral("train-demo"), QStringLiteral("--reflection-form"), QStringLiteral("long")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("diagnosis or worked"), r.err.constData());
    }

    // The Countdown recipe fine-tunes the first model on Countdown puzzles; it has
    // no reflection forms to choose.
    void countdownRecipeFineTunesTheFirstModel()
    {
        const QString out = m_tmp.filePath(QStringLiteral("countdown"));
        auto r = runCli({QStringLiteral("train-demo"), QStringLiteral("--recipe"), QStringLiteral("countdown-demo"),
                         QStringLiteral("--from"), m_model, QStringLiteral("--out"), out, QStringLiteral("--steps"),
                         QStringLiteral("2"), QStringLiteral("--data-scale"), QStringLiteral("0.005")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(lastJsonLine(r.out)["steps"].get<int>(), 2);
        QFile recipeFile(out + QStringLiteral("/recipe.json"));
        QVERIFY(recipeFile.open(QIODevice::ReadOnly));
        const auto recipe = nlohmann::json::parse(recipeFile.readAll().toStdString());
        QCOMPARE(recipe.at("name").get<std::string>(), std::string("countdown-demo"));
        QCOMPARE(recipe.at("data").at("task").at("name").get<std::string>(), std::string("countdown"));
        r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), out, QStringLiteral("--task"),
                    QStringLiteral("countdown"), QStringLiteral("--split"), QStringLiteral("test"),
                    QStringLiteral("--n"), QStringLiteral("4"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(lastJsonLine(r.out)["n"].get<int>(), 4);

        r = runCli({QStringLiteral("train-demo"), QStringLiteral("--recipe"), QStringLiteral("countdown-demo"),
                    QStringLiteral("--reflection-form"), QStringLiteral("worked")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("Countdown"), r.err.constData());
    }

    void evalPrintsTheContractLine()
    {
        const QStringList base{QStringLiteral("eval"), QStringLiteral("--model"), m_model, QStringLiteral("--task"),
                               QStringLiteral("arith"), QStringLiteral("--split"), QStringLiteral("test"),
                               QStringLiteral("--n"), QStringLiteral("6"), QStringLiteral("--json")};
        const auto r = runCli(base + QStringList{QStringLiteral("--items")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto last = lastJsonLine(r.out);
        QCOMPARE(last.size(), std::size_t(2));
        QCOMPARE(last["n"].get<int>(), 6);
        QVERIFY(last["accuracy"].get<double>() >= 0.0 && last["accuracy"].get<double>() <= 1.0);
        const auto lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 7);
        for (int i = 0; i < 6; ++i)
            QVERIFY(QString::fromStdString(nlohmann::json::parse(lines[i].toStdString())["prompt_id"].get<std::string>())
                        .startsWith(QStringLiteral("arith/test/0/")));
        const auto seeded = runCli(base + QStringList{QStringLiteral("--items"), QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(seeded.exitCode == 0, seeded.err.constData());
        QVERIFY(QString::fromUtf8(seeded.out).contains(QStringLiteral("arith/test/3/")));
    }

    void badArgumentsAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::newRow("n zero") << QStringList{QStringLiteral("--n"), QStringLiteral("0")};
        QTest::newRow("bad split") << QStringList{QStringLiteral("--split"), QStringLiteral("dev")};
        QTest::newRow("negative temperature") << QStringList{QStringLiteral("--temperature"), QStringLiteral("-1")};
    }

    void badArgumentsAreUsageErrors()
    {
        QFETCH(QStringList, extra);
        const auto r = runCli(QStringList{QStringLiteral("eval"), QStringLiteral("--model"), m_model,
                                          QStringLiteral("--task"), QStringLiteral("arith")} + extra);
        QCOMPARE(r.exitCode, 2);
    }

    void missingModelOrTaskIsNamed()
    {
        const QString missing = m_tmp.filePath(QStringLiteral("no-such-model"));
        auto r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), missing, QStringLiteral("--task"),
                         QStringLiteral("arith"), QStringLiteral("--n"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no-such-model"), r.err.constData());
        r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), m_model, QStringLiteral("--task"),
                    QStringLiteral("sudoku"), QStringLiteral("--n"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("sudoku") && r.err.contains("arith"), r.err.constData());
    }

private:
    QTemporaryDir m_tmp;
    QString m_model;
};

QTEST_GUILESS_MAIN(TestTrainDemoCli)
#include "tst_train_demo_cli.moc"
