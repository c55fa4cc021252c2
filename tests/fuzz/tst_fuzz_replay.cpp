// SPDX-License-Identifier: GPL-3.0-or-later
// Every fuzz target (tests/fuzz/fuzz_*.cpp) run in the normal build over real
// files no one here wrote (tokenizers, GSM8K, Just-Eval, BFCL, the llama2.c
// model, chat templates from tests/fixtures) and over every input that once
// made a target fail (tests/fuzz/regressions/<target>/): each returns, with the
// project's clear errors caught inside. libFuzzer drives the same bodies under
// RLRF_FUZZ (tests/fuzz/fuzz.sh, docs/fuzzing.md).
#include "common/test_paths.h"
#include "fuzz_target.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QtTest/QtTest>

#include <functional>
#include <map>

#define RLRF_DECLARE(name) RLRF_FUZZ_TARGET(name);
RLRF_DECLARE(chat_template)
RLRF_DECLARE(judge_output)
RLRF_DECLARE(rubric)
RLRF_DECLARE(import_jsonl)
RLRF_DECLARE(import_csv)
RLRF_DECLARE(import_gsm8k)
RLRF_DECLARE(import_just_eval)
RLRF_DECLARE(import_bfcl)
RLRF_DECLARE(safetensors)
RLRF_DECLARE(model_config)
RLRF_DECLARE(tokenizer_json)
RLRF_DECLARE(llama2c)

namespace {

using Target = std::function<int(const std::uint8_t *, std::size_t)>;

const std::map<QString, Target> &targets()
{
    static const std::map<QString, Target> all = {
        {QStringLiteral("chat_template"), rlrf_fuzz_chat_template},
        {QStringLiteral("judge_output"), rlrf_fuzz_judge_output},
        {QStringLiteral("rubric"), rlrf_fuzz_rubric},
        {QStringLiteral("import_jsonl"), rlrf_fuzz_import_jsonl},
        {QStringLiteral("import_csv"), rlrf_fuzz_import_csv},
        {QStringLiteral("import_gsm8k"), rlrf_fuzz_import_gsm8k},
        {QStringLiteral("import_just_eval"), rlrf_fuzz_import_just_eval},
        {QStringLiteral("import_bfcl"), rlrf_fuzz_import_bfcl},
        {QStringLiteral("safetensors"), rlrf_fuzz_safetensors},
        {QStringLiteral("model_config"), rlrf_fuzz_model_config},
        {QStringLiteral("tokenizer_json"), rlrf_fuzz_tokenizer_json},
        {QStringLiteral("llama2c"), rlrf_fuzz_llama2c},
    };
    return all;
}

// Real seed files per target (tests/fuzz/seeds/<target>/ adds written ones
// for formats without a real file here); a big file is cut to its first 64 KiB (the
// fuzzer's seeds are cut the same way, see fuzz.sh corpus).
QStringList seedFiles(const QString &target)
{
    const QString data = rlrf::test::sharedDataDir();
    const QString fixtures = QStringLiteral(RLRF_FIXTURES_DIR);
    auto glob = [](const QString &dir, const QStringList &patterns) {
        QStringList out;
        QDirIterator it(dir, patterns, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            out << it.next();
        out.sort();
        return out;
    };
    const QString models = rlrf::test::sourceDir() + QStringLiteral("/resources/models");
    if (target == QStringLiteral("chat_template"))
        return glob(fixtures + QStringLiteral("/chat_templates"), {QStringLiteral("*.jinja")})
               + glob(models, {QStringLiteral("*.jinja")});
    if (target == QStringLiteral("tokenizer_json"))
        return glob(data + QStringLiteral("/tokenizers"), {QStringLiteral("tokenizer.json")})
               + glob(models, {QStringLiteral("tokenizer.json")});
    if (target == QStringLiteral("model_config"))
        return glob(fixtures + QStringLiteral("/model_configs"), {QStringLiteral("*.json")})
               + glob(models, {QStringLiteral("config.json")});
    if (target == QStringLiteral("rubric"))
        return glob(rlrf::test::sourceDir() + QStringLiteral("/rubrics"), {QStringLiteral("*.json")});
    if (target == QStringLiteral("import_gsm8k") || target == QStringLiteral("import_jsonl"))
        return glob(data + QStringLiteral("/gsm8k"), {QStringLiteral("*.jsonl")});
    if (target == QStringLiteral("import_just_eval"))
        return glob(data + QStringLiteral("/just-eval"), {QStringLiteral("*.json*")});
    if (target == QStringLiteral("import_bfcl"))
        return glob(data + QStringLiteral("/bfcl"), {QStringLiteral("*.json*")});
    if (target == QStringLiteral("llama2c"))
        return glob(data + QStringLiteral("/models"), {QStringLiteral("*.bin")});
    return {};
}

QStringList filesIn(const QString &folder, const QString &target)
{
    QDir dir(QStringLiteral(RLRF_FUZZ_DIR) + QLatin1Char('/') + folder + QLatin1Char('/') + target);
    QStringList out;
    for (const auto &name : dir.entryList(QDir::Files, QDir::Name))
        out << dir.filePath(name);
    return out;
}

} // namespace

class TestFuzzReplay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void targetsSurviveSeedsAndRegressions_data()
    {
        QTest::addColumn<QString>("target");
        for (const auto &[name, target] : targets())
            QTest::newRow(qPrintable(name)) << name;
    }

    void targetsSurviveSeedsAndRegressions()
    {
        QFETCH(QString, target);
        const auto run = targets().at(target);
        int inputs = 0;
        for (const auto &file : seedFiles(target) + filesIn(QStringLiteral("seeds"), target)
                                    + filesIn(QStringLiteral("regressions"), target)) {
            QFile f(file);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(file));
            const QByteArray bytes = f.read(64 * 1024);
            QCOMPARE(run(reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size())), 0);
            ++inputs;
        }
        // Hostile shapes every target meets first: nothing, one byte, a lone brace.
        for (const QByteArray &bytes : {QByteArray(), QByteArray("\0", 1), QByteArray("{"), QByteArray(4096, '{')})
            QCOMPARE(run(reinterpret_cast<const std::uint8_t *>(bytes.constData()), std::size_t(bytes.size())), 0);
        QVERIFY2(inputs > 0, qPrintable(QStringLiteral("no seed or regression file for ") + target));
    }
};

QTEST_GUILESS_MAIN(TestFuzzReplay)
#include "tst_fuzz_replay.moc"
