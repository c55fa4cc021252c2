// Checks the decoder against llama2.c itself. Fixture: shared/data/models/stories260K
// (Karpathy's tinyllamas stories260K.bin + tok512.bin, copied unchanged; see its
// README). expected_greedy_n200_ids.txt is llama2.c run.c's greedy output
// (`run stories260K.bin -z tok512.bin -t 0.0 -n 200`): BOS then 200 ids. Our import
// permutes wq/wk into the rotate-half layout, so matching those ids exactly also
// proves the permutation. Bad files must give errors naming the file and the field.
#include <torch/torch.h>

#include "common/stories_fixture.h"
#include "common/test_paths.h"
#include "core/error.h"
#include "model/generator.h"
#include "model/llama2c_model.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sstream>

using namespace rlrf::model;

namespace {

QString fixture(const QString &name)
{
    return QString::fromStdString(rlrf::test::stories260KFile(name));
}

std::vector<std::int64_t> expectedIds()
{
    QFile f(fixture(QStringLiteral("expected_greedy_n200_ids.txt")));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read expected_greedy_n200_ids.txt");
    std::istringstream in(f.readAll().toStdString());
    std::vector<std::int64_t> ids;
    for (std::int64_t id; in >> id;)
        ids.push_back(id);
    return ids;
}

// llama2.c's decode: the first piece after BOS loses its leading space, <0xXX> is a byte.
std::string decodeLikeLlama2c(const Llama2cVocabulary &vocab, const std::vector<std::int64_t> &ids)
{
    std::string text;
    for (size_t i = 1; i < ids.size(); ++i) {
        std::string piece = vocab.pieces[static_cast<size_t>(ids[i])];
        if (ids[i - 1] == 1 && !piece.empty() && piece[0] == ' ')
            piece.erase(0, 1);
        unsigned byte = 0;
        if (piece.size() == 6 && std::sscanf(piece.c_str(), "<0x%02X>", &byte) == 1)
            piece = std::string(1, static_cast<char>(byte));
        text += piece;
    }
    return text;
}

QString writeCopy(const QTemporaryDir &dir, const QString &source, qint64 keepBytes, const QByteArray &append = {})
{
    QFile in(source);
    in.open(QIODevice::ReadOnly);
    QByteArray bytes = in.readAll();
    if (keepBytes >= 0)
        bytes.truncate(keepBytes);
    bytes += append;
    const QString path = dir.filePath(QStringLiteral("copy.bin"));
    QFile out(path);
    out.open(QIODevice::WriteOnly | QIODevice::Truncate);
    out.write(bytes);
    return path;
}

// A llama2.c header of `size` bytes starting with `values`, written to `path`.
bool writeHeader(const QString &path, std::initializer_list<std::int32_t> values, int size)
{
    QByteArray header(size, '\0');
    std::memcpy(header.data(), std::data(values), values.size() * sizeof(std::int32_t));
    QFile out(path);
    return out.open(QIODevice::WriteOnly | QIODevice::Truncate) && out.write(header) == header.size();
}

void expectError(const std::function<void()> &fn, const std::string &fragment, const std::string &field = {})
{
    try {
        fn();
        QFAIL(("no error; expected one mentioning " + fragment).c_str());
    } catch (const rlrf::Error &e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        if (!field.empty())
            QCOMPARE(e.source().field, field);
    }
}

} // namespace

class TestModelReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void headerBecomesConfig()
    {
        const auto ckpt = readLlama2cCheckpoint(fixture(QStringLiteral("stories260K.bin")).toStdString());
        const auto &c = ckpt.config;
        QCOMPARE(c.hiddenSize, 64);
        QCOMPARE(c.intermediateSize, 172);
        QCOMPARE(c.numLayers, 5);
        QCOMPARE(c.numHeads, 8);
        QCOMPARE(c.numKvHeads, 4);
        QCOMPARE(c.vocabSize, 512);
        QCOMPARE(c.maxPositionEmbeddings, 512);
        QVERIFY(c.tieWordEmbeddings);
        QCOMPARE(ckpt.tensors.size(), size_t(2 + 5 * 9));
    }

    void greedyGenerationMatchesLlama2c()
    {
        auto model = loadLlama2cModel(fixture(QStringLiteral("stories260K.bin")).toStdString());
        const auto expected = expectedIds();
        QCOMPARE(expected.size(), size_t(201));
        GenerationOptions options;
        options.maxNewTokens = 200;
        options.sampling.temperature = 0.0;
        const auto result = generate(*model, {{1}}, options);
        const auto &got = result.sequences.at(0).tokens;
        QCOMPARE(got.size(), size_t(200));
        for (size_t i = 0; i < got.size(); ++i)
            if (got[i] != expected[i + 1])
                QFAIL(qPrintable(QStringLiteral("first divergence at generated token %1: got %2, llama2.c %3")
                                     .arg(i).arg(got[i]).arg(expected[i + 1])));
    }

    void cachedLogitsEqualFullForward()
    {
        torch::NoGradGuard noGrad;
        auto model = loadLlama2cModel(fixture(QStringLiteral("stories260K.bin")).toStdString());
        const auto expected = expectedIds();
        const auto ids = torch::tensor(expected, torch::kInt64).unsqueeze(0); // [1,201]
        const auto full = model->forward(ids);                                // [1,201,V]
        auto cache = model->makeCache(4); // small on purpose: growth is exercised too
        std::vector<torch::Tensor> steps;
        for (std::int64_t t = 0; t < ids.size(1); ++t) {
            const auto pos = torch::full({1, 1}, t, torch::kInt64);
            const auto mask = torch::ones({1, t + 1}, torch::kBool);
            steps.push_back(model->forward(ids.narrow(1, t, 1), pos, mask, &cache));
        }
        const auto cached = torch::cat(steps, 1);
        const double maxDiff = (cached - full).abs().max().item<double>();
        QVERIFY2(maxDiff < 1e-4, qPrintable(QStringLiteral("max |cached - full| = %1").arg(maxDiff)));
        // Teacher forcing on llama2.c's own sequence: every argmax is its next token.
        const auto argmax = full.argmax(-1).squeeze(0).narrow(0, 0, 200);
        QVERIFY(torch::equal(argmax, ids.squeeze(0).narrow(0, 1, 200)));
    }

    void vocabularyDecodesTheReferenceText()
    {
        const auto vocab = readLlama2cVocabulary(fixture(QStringLiteral("tok512.bin")).toStdString(), 512);
        QCOMPARE(vocab.maxTokenLength, 7);
        QCOMPARE(vocab.pieces[1], std::string("\n<s>\n")); // as llama2.c's exporter writes it
        QCOMPARE(vocab.pieces[3], std::string("<0x00>"));
        QFile f(fixture(QStringLiteral("expected_greedy_n200.txt")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromStdString(decodeLikeLlama2c(vocab, expectedIds())), QString::fromUtf8(f.readAll()));
    }

    void missingFileIsNamed()
    {
        expectError([] { readLlama2cCheckpoint("no/such/model.bin"); }, "no/such/model.bin: cannot open file");
        expectError([] { readLlama2cVocabulary("no/such/tok.bin", 512); }, "no/such/tok.bin: cannot open file");
    }

    void truncatedCheckpointNamesTheTensor()
    {
        QTemporaryDir dir;
        const auto path = writeCopy(dir, fixture(QStringLiteral("stories260K.bin")), 28 + 512 * 64 * 4 + 300); // into rms_att of layer 1
        expectError([&] { readLlama2cCheckpoint(path.toStdString()); }, "while reading rms_att[1]", "rms_att[1]");
        const auto header = writeCopy(dir, fixture(QStringLiteral("stories260K.bin")), 10);
        expectError([&] { readLlama2cCheckpoint(header.toStdString()); }, "while reading n_layers", "n_layers");
    }

    void trailingBytesAreAnError()
    {
        QTemporaryDir dir;
        const auto path = writeCopy(dir, fixture(QStringLiteral("stories260K.bin")), -1, QByteArray(8, '\0'));
        expectError([&] { readLlama2cCheckpoint(path.toStdString()); }, "8 unexpected bytes after the last tensor");
    }

    void impossibleHeaderIsNamed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.bin"));
        QVERIFY(writeHeader(path, {64, 172, 5, 8, 3, 512, 512}, 28)); // 8 heads over 3 kv heads
        expectError([&] { readLlama2cCheckpoint(path.toStdString()); }, "not a multiple of n_kv_heads", "n_kv_heads");
        QVERIFY(writeHeader(path, {64, 0, 5, 8, 4, 512, 512}, 28));
        expectError([&] { readLlama2cCheckpoint(path.toStdString()); }, "must be positive", "hidden_dim");
        // dim 64 over 6 heads does not divide; 48 over 16 heads gives an odd head size of 3.
        for (const std::int32_t heads : {6, 16}) {
            const std::int32_t dim = heads == 6 ? 64 : 48;
            QVERIFY(writeHeader(path, {dim, 172, 5, heads, heads == 6 ? 3 : 8, 512, 512}, 28));
            expectError([&] { readLlama2cCheckpoint(path.toStdString()); },
                        "dim " + std::to_string(dim) + " does not split into an even head size over "
                            + std::to_string(heads) + " heads",
                        "n_heads");
        }
    }

    // llama2.c's export.py --version 1/2 writes a 256-byte header starting with the
    // magic "ak42" and a version number; only the legacy (version 0) layout is read.
    void versionedExportIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.bin"));
        QVERIFY(writeHeader(path, {0x616b3432, 1, 64, 172, 5, 8, 4, 512, 512}, 256));
        expectError([&] { readLlama2cCheckpoint(path.toStdString()); },
                    path.toStdString() + ": 'magic': versioned llama2.c export (magic \"ak42\") is not supported; "
                                         "export with legacy_export (version 0)",
                    "magic");
    }

    void badVocabularyIsNamed()
    {
        QTemporaryDir dir;
        const auto truncated = writeCopy(dir, fixture(QStringLiteral("tok512.bin")), 2000);
        expectError([&] { readLlama2cVocabulary(truncated.toStdString(), 512); }, "file ends at byte 2000");
        expectError([&] { readLlama2cVocabulary(fixture(QStringLiteral("tok512.bin")).toStdString(), 500); },
                    "bytes after 500 tokens");
        // A token whose length field is negative or above max_token_length (4 here).
        for (const std::int32_t length : {9, -1}) {
            QByteArray bytes;
            const std::int32_t maxLength = 4;
            const float score = 0.0f;
            bytes.append(reinterpret_cast<const char *>(&maxLength), 4);
            bytes.append(reinterpret_cast<const char *>(&score), 4);
            const std::int32_t one = 1;
            bytes.append(reinterpret_cast<const char *>(&one), 4);
            bytes.append("a", 1);
            bytes.append(reinterpret_cast<const char *>(&score), 4);
            bytes.append(reinterpret_cast<const char *>(&length), 4);
            bytes.append("bbbbbbbbb", 9);
            const QString path = dir.filePath(QStringLiteral("badlength.bin"));
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(bytes);
            out.close();
            expectError([&] { readLlama2cVocabulary(path.toStdString(), 2); },
                        "'token 1': length " + std::to_string(length) + " outside 0..4", "token 1");
        }
    }
};

QTEST_GUILESS_MAIN(TestModelReference)
#include "tst_model_reference.moc"
