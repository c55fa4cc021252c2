// `rlrf convert --from llama2c` on the real stories260K checkpoint
// (shared/data/models/stories260K): the folder it writes loads back and reproduces
// llama2.c's greedy ids; usage mistakes exit 2, bad files exit 1 naming the file.
#include "common/stories_fixture.h"
#include "common/cli_runner.h"
#include "common/test_paths.h"
#include "model/policy.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using rlrf::test::runCli;

namespace {

QString fixture(const QString &name)
{
    return QString::fromStdString(rlrf::test::stories260KFile(name));
}

QStringList convertArgs(const QString &checkpoint, const QString &tokenizer, const QString &out)
{
    return {QStringLiteral("convert"), QStringLiteral("--from"), QStringLiteral("llama2c"),
            QStringLiteral("--checkpoint"), checkpoint, QStringLiteral("--tokenizer"), tokenizer,
            QStringLiteral("--out"), out};
}

} // namespace

class TestCliConvert : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void convertsStories260K()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("hf"));
        const auto r = runCli(convertArgs(fixture(QStringLiteral("stories260K.bin")),
                                          fixture(QStringLiteral("tok512.bin")), out));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto summary = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(summary.value(QStringLiteral("tensors")).toInt(), 47);
        QCOMPARE(summary.value(QStringLiteral("config")).toObject().value(QStringLiteral("num_key_value_heads")).toInt(), 4);
        for (const char *name : {"config.json", "model.safetensors", "generation_config.json", "tokenizer.json", "tokenizer_config.json"})
            QVERIFY2(QFile::exists(out + QLatin1Char('/') + QLatin1String(name)), name);

        const auto policy = rlrf::model::Policy::load(out.toStdString());
        rlrf::model::GenerationOptions o;
        o.maxNewTokens = 200;
        o.sampling.temperature = 0.0;
        const auto tokens = policy.generate({{1}}, o).sequences.at(0).tokens;
        QFile expected(fixture(QStringLiteral("expected_greedy_n200_ids.txt")));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        QString got = QStringLiteral("1");
        for (const auto id : tokens)
            got += QLatin1Char(' ') + QString::number(id);
        QCOMPARE(got, QString::fromUtf8(expected.readAll()).simplified());
    }

    void usageMistakesExitWithTwo()
    {
        QTemporaryDir dir;
        auto args = convertArgs(fixture(QStringLiteral("stories260K.bin")), fixture(QStringLiteral("tok512.bin")),
                                dir.filePath(QStringLiteral("x")));
        args[2] = QStringLiteral("gguf");
        auto r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--from must be 'llama2c', got 'gguf'"));
        r = runCli(convertArgs(fixture(QStringLiteral("stories260K.bin")), fixture(QStringLiteral("tok512.bin")),
                               dir.filePath(QStringLiteral("x"))).mid(0, 7));
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("missing required option --out"));
    }

    void badFilesExitWithOneAndNameTheFile()
    {
        QTemporaryDir dir;
        auto r = runCli(convertArgs(dir.filePath(QStringLiteral("missing.bin")), fixture(QStringLiteral("tok512.bin")),
                                    dir.filePath(QStringLiteral("x"))));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("missing.bin: cannot open file"), r.err.constData());
        // The checkpoint passed as the tokenizer: its bytes do not parse as 512 tokens.
        r = runCli(convertArgs(fixture(QStringLiteral("stories260K.bin")), fixture(QStringLiteral("stories260K.bin")),
                               dir.filePath(QStringLiteral("y"))));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("stories260K.bin"), r.err.constData());
        QVERIFY(!QDir(dir.filePath(QStringLiteral("y"))).exists());

        // A header claiming far more weights than the file holds (found by the
        // llama2c fuzz target: it asked for 8 GB before reading a byte of them).
        const QString huge = QStringLiteral(RLRF_SOURCE_DIR) + QStringLiteral("/tests/fuzz/regressions/llama2c/huge-vocab-times-dim");
        r = runCli(convertArgs(huge, fixture(QStringLiteral("tok512.bin")), dir.filePath(QStringLiteral("z"))));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("huge-vocab-times-dim") && r.err.contains("file ends at byte 11878 while reading token_embedding"),
                 r.err.constData());
        QVERIFY(!QDir(dir.filePath(QStringLiteral("z"))).exists());
    }
};

QTEST_GUILESS_MAIN(TestCliConvert)
#include "tst_cli_convert.moc"
