// The torch-free Policy facade on a real model folder: stories260K (llama2.c's
// tinyllamas, shared/data/models/stories260K) converted to Hugging Face layout here,
// loaded back through config.json + model.safetensors, must still produce llama2.c's
// own greedy ids (expected_greedy_n200_ids.txt). Save/reload keeps every score;
// broken folders give errors naming the file and tensor.
#include <torch/torch.h>

#include "common/test_paths.h"
#include "core/error.h"
#include "model/llama2c_convert.h"
#include "model/llama_model.h"
#include "model/policy.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace rlrf::model;
namespace fs = std::filesystem;

namespace {

std::string fixture(const QString &name)
{
    const QString path = rlrf::test::sharedData(QStringLiteral("models/stories260K/") + name);
    if (path.isEmpty())
        qFatal("reference file models/stories260K/%s missing under %s", qPrintable(name),
               qPrintable(rlrf::test::sharedDataDir()));
    return path.toStdString();
}

std::vector<std::int64_t> expectedIds()
{
    std::ifstream in(fixture(QStringLiteral("expected_greedy_n200_ids.txt")));
    std::vector<std::int64_t> ids;
    for (std::int64_t id; in >> id;)
        ids.push_back(id);
    return ids;
}

std::vector<std::int64_t> greedy(const Policy &policy, std::int64_t n)
{
    GenerationOptions o;
    o.maxNewTokens = n;
    o.sampling.temperature = 0.0;
    auto tokens = policy.generate({{1}}, o).sequences.at(0).tokens;
    tokens.insert(tokens.begin(), 1);
    return tokens;
}

template <typename Fn>
void expectError(Fn fn, const std::string &fragment)
{
    try {
        fn();
        QFAIL(("no error; expected " + fragment).c_str());
    } catch (const rlrf::Error &e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
    }
}

} // namespace

class TestPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_folder = m_dir.filePath(QStringLiteral("stories260K")).toStdString();
        const auto result = convertLlama2c(fixture(QStringLiteral("stories260K.bin")),
                                           fixture(QStringLiteral("tok512.bin")), m_folder);
        QCOMPARE(result.tensorCount, size_t(47));
    }

    void convertedFolderReproducesLlama2c()
    {
        const auto policy = Policy::load(m_folder);
        QCOMPARE(policy.config().numKvHeads, 4);
        QVERIFY(policy.config().tieWordEmbeddings);
        QCOMPARE(greedy(policy, 200), expectedIds());
        const auto direct = Policy::fromLlama2c(fixture(QStringLiteral("stories260K.bin")));
        QCOMPARE(greedy(direct, 50), greedy(policy, 50));
    }

    void saveAndReloadKeepsScores()
    {
        const auto policy = Policy::load(m_folder);
        QFile tokenizer(QString::fromStdString(m_folder + "/tokenizer_config.json"));
        QVERIFY(tokenizer.open(QIODevice::WriteOnly));
        tokenizer.write("{\"bos_token\": \"<s>\"}");
        tokenizer.close();
        const auto withTokenizer = Policy::load(m_folder);
        QCOMPARE(withTokenizer.tokenizerFiles().size(), size_t(3)); // tokenizer.json, tokenizer_config.json, generation_config.json
        const std::string copy = m_dir.filePath(QStringLiteral("saved")).toStdString();
        withTokenizer.save(copy);
        QVERIFY(fs::exists(copy + "/model.safetensors"));
        QVERIFY(fs::exists(copy + "/tokenizer_config.json"));
        QVERIFY(fs::exists(copy + "/generation_config.json"));
        const auto reloaded = Policy::load(copy);
        const auto ids = expectedIds();
        const std::vector<std::vector<std::int64_t>> prompts = {{1}, {ids.begin(), ids.begin() + 20}};
        const std::vector<std::vector<std::int64_t>> completions = {{ids.begin() + 1, ids.begin() + 30},
                                                                    {ids.begin() + 20, ids.begin() + 25}};
        const auto a = policy.scoreCompletions(prompts, completions);
        QCOMPARE(reloaded.scoreCompletions(prompts, completions), a);
        for (const auto &row : a)
            for (const float logp : row)
                QVERIFY(logp < 0.0f && logp > -20.0f);
    }

    void bfloat16PolicyStaysCloseAndSavesAsBfloat16()
    {
        const auto f32 = Policy::load(m_folder);
        const auto bf16 = Policy::load(m_folder, PolicyOptions{"cpu", "bfloat16"});
        QCOMPARE(bf16.dtype(), std::string("bfloat16"));
        const auto ids = expectedIds();
        const std::vector<std::vector<std::int64_t>> prompts = {{1}};
        const std::vector<std::vector<std::int64_t>> completions = {{ids.begin() + 1, ids.begin() + 60}};
        const auto a = f32.scoreCompletions(prompts, completions)[0];
        const auto b = bf16.scoreCompletions(prompts, completions)[0];
        double sumA = 0, sumB = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            sumA += a[i];
            sumB += b[i];
        }
        // bfloat16 weights and activations: the sequence log-likelihood moves by a
        // few percent at most on this model (measured about 1 %).
        QVERIFY2(std::abs(sumA - sumB) < 0.05 * std::abs(sumA), qPrintable(QStringLiteral("%1 vs %2").arg(sumA).arg(sumB)));
        const std::string saved = m_dir.filePath(QStringLiteral("bf16")).toStdString();
        bf16.save(saved);
        QCOMPARE(Policy::load(saved, PolicyOptions{"cpu", "auto"}).dtype(), std::string("bfloat16"));
    }

    void brokenFoldersAreNamed()
    {
        expectError([&] { Policy::load(m_dir.filePath(QStringLiteral("nowhere")).toStdString()); }, "config.json");
        const std::string partial = m_dir.filePath(QStringLiteral("partial")).toStdString();
        fs::create_directories(partial);
        fs::copy_file(m_folder + "/config.json", partial + "/config.json");
        expectError([&] { Policy::load(partial); }, "partial");
        expectError([&] { Policy::load(m_folder, PolicyOptions{"cpu", "int4"}); }, "unsupported dtype 'int4'");
        expectError([&] { Policy::load(m_folder, PolicyOptions{"tpu", "float32"}); }, "unknown device 'tpu'");
    }

    // On a build or machine without CUDA, asking for it is an error naming the
    // device, not a LibTorch abort; there is nothing to assert where CUDA works.
    void cudaWithoutADeviceIsNamed()
    {
        if (torch::cuda::is_available())
            QSKIP("CUDA is available here, so asking for it is not an error");
        for (const char *device : {"cuda", "cuda:0", "cuda:3"}) {
            try {
                Policy::load(m_folder, PolicyOptions{device, "float32"});
                QFAIL(qPrintable(QStringLiteral("device %1 accepted without CUDA").arg(QLatin1String(device))));
            } catch (const rlrf::Error &e) {
                QCOMPARE(std::string(e.what()), std::string("'device': CUDA was asked for but no CUDA device is available"));
                QCOMPARE(e.source().field, std::string("device"));
            }
        }
        // The folder is still usable on the CPU.
        QCOMPARE(greedy(Policy::load(m_folder, PolicyOptions{"cpu", "float32"}), 3).size(), size_t(4));
    }

    void mismatchedWeightsAreNamed()
    {
        const std::string other = m_dir.filePath(QStringLiteral("other")).toStdString();
        fs::create_directories(other);
        fs::copy_file(m_folder + "/model.safetensors", other + "/model.safetensors");
        std::ifstream in(m_folder + "/config.json");
        std::stringstream text;
        text << in.rdbuf();
        std::string config = text.str();
        const auto at = config.find("\"num_hidden_layers\": 5");
        QVERIFY(at != std::string::npos);
        config.replace(at, 22, "\"num_hidden_layers\": 6");
        std::ofstream(other + "/config.json") << config;
        expectError([&] { Policy::load(other); }, "missing tensor 'model.layers.5.input_layernorm.weight'");
    }

private:
    QTemporaryDir m_dir;
    std::string m_folder;
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
