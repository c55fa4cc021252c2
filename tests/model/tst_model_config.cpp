// SPDX-License-Identifier: GPL-3.0-or-later
// config.json parsing and writing. The fixtures in tests/fixtures/model_configs
// repeat published Hugging Face configs (see the README there); the expected values
// below are read off those files, and derived values (kv heads, head_dim) follow
// the transformers defaults. Every kind of bad config has a case with its message.
#include "common/test_paths.h"

#include "core/error.h"
#include "core/json_io.h"
#include "model/model_config.h"

#include <QtTest/QtTest>

#include <sstream>

using rlrf::model::ModelConfig;

namespace {

std::string fixturePath(const char *name)
{
    return (rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/model_configs/") + QLatin1String(name)).toStdString();
}

// Every field as text, so that a mismatch prints both configs.
std::string describe(const ModelConfig &c)
{
    std::ostringstream out;
    out << c.architecture << " " << c.modelType << " vocab=" << c.vocabSize << " hidden=" << c.hiddenSize
        << " inter=" << c.intermediateSize << " layers=" << c.numLayers << " heads=" << c.numHeads
        << " kv=" << c.numKvHeads << " head_dim=" << c.headDim << " max_pos=" << c.maxPositionEmbeddings
        << " theta=" << c.ropeTheta << " eps=" << c.rmsNormEps << " tie=" << c.tieWordEmbeddings
        << " bias=" << c.attentionBias << " qk_norm=" << c.qkNorm << " act=" << c.hiddenAct
        << " dtype=" << c.torchDtype << " bos=" << (c.bosTokenId ? std::to_string(*c.bosTokenId) : "-")
        << " pad=" << (c.padTokenId ? std::to_string(*c.padTokenId) : "-")
        << " window=" << (c.slidingWindow ? std::to_string(*c.slidingWindow) : "-") << " eos=";
    for (auto id : c.eosTokenIds)
        out << id << ",";
    if (c.ropeScaling)
        out << " rope=" << c.ropeScaling->type << "/" << c.ropeScaling->factor << "/" << c.ropeScaling->lowFreqFactor
            << "/" << c.ropeScaling->highFreqFactor << "/" << c.ropeScaling->originalMaxPositionEmbeddings;
    return out.str();
}

nlohmann::json minimalLlama()
{
    return {{"model_type", "llama"},  {"architectures", {"LlamaForCausalLM"}}, {"vocab_size", 256},
            {"hidden_size", 64},      {"intermediate_size", 172},              {"num_hidden_layers", 2},
            {"num_attention_heads", 8}};
}

// Parses `json`, expecting an error on `field` whose text contains every `parts`.
void expectError(const nlohmann::json &json, const std::string &field, const std::vector<std::string> &parts)
{
    try {
        const auto c = rlrf::model::parseModelConfig(json, "config.json");
        QFAIL(qPrintable(QStringLiteral("accepted: %1").arg(QString::fromStdString(describe(c)))));
    } catch (const rlrf::Error &e) {
        const std::string what = e.what();
        QVERIFY2(e.source().file == "config.json", what.c_str());
        QVERIFY2(e.source().field == field, (what + " (expected field " + field + ")").c_str());
        for (const auto &p : parts)
            QVERIFY2(what.find(p) != std::string::npos, (what + " (expected to contain: " + p + ")").c_str());
    }
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesPublishedConfigs_data();
    void parsesPublishedConfigs();
    void writtenConfigReadsBackTheSame_data() { parsesPublishedConfigs_data(); }
    void writtenConfigReadsBackTheSame();
    void writtenConfigHasTheKeysTransformersReads();
    void defaultsFollowTransformers();
    void ropeScalingSpellings();
    void unsupportedModelIsNamed();
    void unsupportedRopeTypeIsNamed();
    void missingAndMistypedFieldsAreNamed();
    void unsupportedFeaturesAreRefused();
    void invalidJsonNamesTheLine();
    void impossibleValuesInTheFileAreNamed();
};

void TestModelConfig::parsesPublishedConfigs_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char *file, const std::string &expected) {
        QTest::newRow(file) << QString::fromLatin1(file) << QString::fromStdString(expected);
    };
    row("llama-2-7b.json", "LlamaForCausalLM llama vocab=32000 hidden=4096 inter=11008 layers=32 heads=32 kv=32 "
                           "head_dim=128 max_pos=4096 theta=10000 eps=1e-05 tie=0 bias=0 qk_norm=0 act=silu "
                           "dtype=float16 bos=1 pad=- window=- eos=2,");
    row("llama-3.1-8b.json", "LlamaForCausalLM llama vocab=128256 hidden=4096 inter=14336 layers=32 heads=32 kv=8 "
                             "head_dim=128 max_pos=131072 theta=500000 eps=1e-05 tie=0 bias=0 qk_norm=0 act=silu "
                             "dtype=bfloat16 bos=128000 pad=- window=- eos=128001, rope=llama3/8/1/4/8192");
    row("llama-3.1-8b-instruct.json", "LlamaForCausalLM llama vocab=128256 hidden=4096 inter=14336 layers=32 heads=32 "
                                      "kv=8 head_dim=128 max_pos=131072 theta=500000 eps=1e-05 tie=0 bias=0 qk_norm=0 "
                                      "act=silu dtype=bfloat16 bos=128000 pad=- window=- eos=128001,128008,128009, "
                                      "rope=llama3/8/1/4/8192");
    row("mistral-7b-v0.1.json", "MistralForCausalLM mistral vocab=32000 hidden=4096 inter=14336 layers=32 heads=32 "
                                "kv=8 head_dim=128 max_pos=32768 theta=10000 eps=1e-05 tie=0 bias=0 qk_norm=0 "
                                "act=silu dtype=bfloat16 bos=1 pad=- window=4096 eos=2,");
    row("qwen2.5-0.5b.json", "Qwen2ForCausalLM qwen2 vocab=151936 hidden=896 inter=4864 layers=24 heads=14 kv=2 "
                             "head_dim=64 max_pos=32768 theta=1e+06 eps=1e-06 tie=1 bias=1 qk_norm=0 act=silu "
                             "dtype=bfloat16 bos=151643 pad=- window=- eos=151643,");
    row("qwen3-0.6b.json", "Qwen3ForCausalLM qwen3 vocab=151936 hidden=1024 inter=3072 layers=28 heads=16 kv=8 "
                           "head_dim=128 max_pos=40960 theta=1e+06 eps=1e-06 tie=1 bias=0 qk_norm=1 act=silu "
                           "dtype=bfloat16 bos=151643 pad=- window=- eos=151645,");
    row("smollm2-135m.json", "LlamaForCausalLM llama vocab=49152 hidden=576 inter=1536 layers=30 heads=9 kv=3 "
                             "head_dim=64 max_pos=8192 theta=100000 eps=1e-05 tie=1 bias=0 qk_norm=0 act=silu "
                             "dtype=bfloat16 bos=0 pad=- window=- eos=0,");
}

void TestModelConfig::parsesPublishedConfigs()
{
    QFETCH(QString, file);
    QFETCH(QString, expected);
    const auto config = rlrf::model::loadModelConfig(fixturePath(qPrintable(file)));
    QCOMPARE(QString::fromStdString(describe(config)), expected);
}

void TestModelConfig::writtenConfigReadsBackTheSame()
{
    QFETCH(QString, file);
    const auto config = rlrf::model::loadModelConfig(fixturePath(qPrintable(file)));
    const auto again = rlrf::model::parseModelConfig(rlrf::model::toJson(config), "written config.json");
    QCOMPARE(QString::fromStdString(describe(again)), QString::fromStdString(describe(config)));
}

void TestModelConfig::writtenConfigHasTheKeysTransformersReads()
{
    // Keys of LlamaConfig / Qwen2Config / Qwen3Config / MistralConfig that decide the
    // model's shape and numerics; a config without them would load with defaults.
    for (const char *file : {"llama-3.1-8b.json", "qwen2.5-0.5b.json", "qwen3-0.6b.json", "mistral-7b-v0.1.json"}) {
        const auto original = rlrf::json::readFile(fixturePath(file));
        const auto written = rlrf::model::toJson(rlrf::model::loadModelConfig(fixturePath(file)));
        for (const char *key : {"architectures", "model_type", "vocab_size", "hidden_size", "intermediate_size",
                                "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                                "max_position_embeddings", "rope_theta", "rms_norm_eps", "tie_word_embeddings",
                                "hidden_act", "torch_dtype", "bos_token_id", "eos_token_id"}) {
            QVERIFY2(written.contains(key), key);
            QVERIFY2(written[key] == original[key],
                     qPrintable(QStringLiteral("%1 %2: %3 vs %4").arg(QLatin1String(file), QLatin1String(key),
                                QString::fromStdString(written[key].dump()), QString::fromStdString(original[key].dump()))));
        }
        QVERIFY(written["architectures"].is_array());
    }
    const auto qwen3 = rlrf::model::toJson(rlrf::model::loadModelConfig(fixturePath("qwen3-0.6b.json")));
    QCOMPARE(qwen3["head_dim"].get<int>(), 128);
    QCOMPARE(qwen3["use_sliding_window"].get<bool>(), false);
    const auto llama = rlrf::model::toJson(rlrf::model::loadModelConfig(fixturePath("llama-3.1-8b.json")));
    QCOMPARE(llama["rope_scaling"], rlrf::json::readFile(fixturePath("llama-3.1-8b.json"))["rope_scaling"]);
    QCOMPARE(llama["attention_bias"].get<bool>(), false);
}

void TestModelConfig::defaultsFollowTransformers()
{
    const auto c = rlrf::model::parseModelConfig(minimalLlama(), "config.json");
    QCOMPARE(c.numKvHeads, std::int64_t(8));
    QCOMPARE(c.headDim, std::int64_t(8));
    QCOMPARE(c.maxPositionEmbeddings, std::int64_t(2048));
    QCOMPARE(c.ropeTheta, 10000.0);
    QCOMPARE(c.rmsNormEps, 1e-6);
    QCOMPARE(c.tieWordEmbeddings, false);
    QCOMPARE(c.torchDtype, std::string("float32"));
    QVERIFY(!c.ropeScaling && !c.bosTokenId && !c.padTokenId && c.eosTokenIds.empty());

    auto byArchitecture = minimalLlama();
    byArchitecture.erase("model_type");
    byArchitecture["architectures"] = {"Qwen2ForCausalLM"};
    const auto q = rlrf::model::parseModelConfig(byArchitecture, "config.json");
    QCOMPARE(q.modelType, std::string("qwen2"));
    QVERIFY(q.attentionBias);
    QCOMPARE(q.maxPositionEmbeddings, std::int64_t(32768));

    auto withPad = minimalLlama();
    withPad["pad_token_id"] = 3;
    withPad["dtype"] = "bfloat16"; // transformers 5 spelling
    const auto p = rlrf::model::parseModelConfig(withPad, "config.json");
    QCOMPARE(p.padTokenId.value_or(-1), std::int64_t(3));
    QCOMPARE(p.torchDtype, std::string("bfloat16"));
}

void TestModelConfig::ropeScalingSpellings()
{
    auto j = minimalLlama();
    j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
    auto c = rlrf::model::parseModelConfig(j, "config.json");
    QVERIFY(c.ropeScaling);
    QCOMPARE(c.ropeScaling->type, std::string("linear"));
    QCOMPARE(c.ropeScaling->factor, 2.0);
    QCOMPARE(QString::fromStdString(describe(rlrf::model::parseModelConfig(rlrf::model::toJson(c), "x"))),
             QString::fromStdString(describe(c)));

    j["rope_scaling"] = {{"rope_type", "default"}};
    QVERIFY(!rlrf::model::parseModelConfig(j, "config.json").ropeScaling);

    j.erase("rope_scaling");
    j["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 1e6}};
    c = rlrf::model::parseModelConfig(j, "config.json");
    QVERIFY(!c.ropeScaling);
    QCOMPARE(c.ropeTheta, 1e6);
}

void TestModelConfig::unsupportedModelIsNamed()
{
    auto j = minimalLlama();
    j["model_type"] = "gpt2";
    expectError(j, "model_type", {"'gpt2'", "llama (LlamaForCausalLM)", "mistral (MistralForCausalLM)",
                                  "qwen2 (Qwen2ForCausalLM)", "qwen3 (Qwen3ForCausalLM)"});
    j = minimalLlama();
    j["architectures"] = {"GemmaForCausalLM"};
    expectError(j, "architectures", {"'GemmaForCausalLM'", "llama (LlamaForCausalLM)"});
    j.erase("model_type");
    expectError(j, "architectures", {"'GemmaForCausalLM'", "supported:"});
    j.erase("architectures");
    expectError(j, "model_type", {"missing required field"});
}

void TestModelConfig::unsupportedRopeTypeIsNamed()
{
    for (const char *key : {"rope_type", "type"}) {
        auto j = minimalLlama();
        j["rope_scaling"] = {{key, "yarn"}, {"factor", 4.0}};
        expectError(j, "rope_scaling.rope_type", {"'yarn'", "default, linear, llama3"});
    }
    auto j = minimalLlama();
    j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"high_freq_factor", 4.0},
                         {"original_max_position_embeddings", 8192}};
    expectError(j, "rope_scaling.low_freq_factor", {"missing required field"});
    j["rope_scaling"] = {{"factor", 8.0}};
    expectError(j, "rope_scaling.rope_type", {"missing"});
    j["rope_scaling"] = "linear";
    expectError(j, "rope_scaling", {"expected a JSON object"});
}

void TestModelConfig::missingAndMistypedFieldsAreNamed()
{
    for (const char *key : {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads"}) {
        auto j = minimalLlama();
        j.erase(key);
        expectError(j, key, {"missing required field"});
    }
    auto j = minimalLlama();
    j["hidden_size"] = "64";
    expectError(j, "hidden_size", {"expected an integer", "\"64\""});
    j = minimalLlama();
    j["hidden_size"] = 64.5;
    expectError(j, "hidden_size", {"expected an integer", "64.5"});
    j["hidden_size"] = 1e300;
    expectError(j, "hidden_size", {"expected an integer"});
    j["hidden_size"] = 64.0; // some exporters write whole numbers as floats
    QCOMPARE(rlrf::model::parseModelConfig(j, "config.json").hiddenSize, std::int64_t(64));
    j = minimalLlama();
    j["num_hidden_layers"] = 0;
    expectError(j, "num_hidden_layers", {"positive"});
    j = minimalLlama();
    j["num_key_value_heads"] = 3;
    expectError(j, "num_key_value_heads", {"not a multiple"});
    j = minimalLlama();
    j["hidden_size"] = 60;
    expectError(j, "head_dim", {"not a multiple"});
    j = minimalLlama();
    j["eos_token_id"] = {1, "two"};
    expectError(j, "eos_token_id", {"list"});
    j = minimalLlama();
    j["eos_token_id"] = 999;
    expectError(j, "eos_token_id", {"outside the vocabulary"});
    j = minimalLlama();
    j["tie_word_embeddings"] = 1;
    expectError(j, "tie_word_embeddings", {"true or false"});
    j = minimalLlama();
    j["rms_norm_eps"] = -1;
    expectError(j, "rms_norm_eps", {"positive"});
    expectError(nlohmann::json::array(), "", {"expected a JSON object"});
}

void TestModelConfig::unsupportedFeaturesAreRefused()
{
    auto j = minimalLlama();
    j["hidden_act"] = "gelu";
    expectError(j, "hidden_act", {"'gelu'", "silu"});
    j = minimalLlama();
    j["mlp_bias"] = true;
    expectError(j, "mlp_bias", {"not supported"});
    j = minimalLlama();
    j["model_type"] = "qwen2";
    j["architectures"] = {"Qwen2ForCausalLM"};
    j["use_sliding_window"] = true;
    expectError(j, "use_sliding_window", {"not supported"});
    j = minimalLlama();
    j["torch_dtype"] = "float8_e4m3fn";
    expectError(j, "torch_dtype", {"'float8_e4m3fn'"});
}

void TestModelConfig::invalidJsonNamesTheLine()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("config.json")).toStdString();
    rlrf::json::writeFileAtomically(path, "{\n  \"model_type\": \"llama\",\n  \"vocab_size\": ,\n}\n");
    try {
        rlrf::model::loadModelConfig(path);
        QFAIL("invalid JSON was accepted");
    } catch (const rlrf::Error &e) {
        QCOMPARE(e.source().file, path);
        QCOMPARE(e.source().line, 3L);
    }
    try {
        rlrf::model::loadModelConfig(path + ".missing");
        QFAIL("a missing file was accepted");
    } catch (const rlrf::Error &e) {
        QCOMPARE(e.source().file, path + ".missing");
    }
}

// Values of the right JSON type that still cannot be: llama3 frequency factors in
// the wrong order, negative special token ids, architectures that are not a list
// of class names. Read from a real config.json, so the error names the file.
void TestModelConfig::impossibleValuesInTheFileAreNamed()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("config.json")).toStdString();
    const auto expectFileError = [&path](const nlohmann::json &config, const std::string &field,
                                         const std::string &message) {
        rlrf::json::writeFileAtomically(path, config.dump(2));
        try {
            const auto c = rlrf::model::loadModelConfig(path);
            QFAIL(qPrintable(QStringLiteral("accepted: %1").arg(QString::fromStdString(describe(c)))));
        } catch (const rlrf::Error &e) {
            QVERIFY2(e.source().file == path, e.what());
            QVERIFY2(e.source().field == field, (std::string(e.what()) + " (expected field " + field + ")").c_str());
            const std::string expected = path + ": '" + field + "': " + message;
            QVERIFY2(std::string(e.what()) == expected, (std::string(e.what()) + " (expected " + expected + ")").c_str());
        }
    };
    for (const double high : {1.0, 0.5}) {
        auto j = minimalLlama();
        j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                             {"high_freq_factor", high}, {"original_max_position_embeddings", 8192}};
        expectFileError(j, "rope_scaling.high_freq_factor", "must be larger than low_freq_factor");
    }
    for (const char *key : {"bos_token_id", "pad_token_id"}) {
        auto j = minimalLlama();
        j[key] = -1;
        expectFileError(j, key, "token ids are non-negative, found -1");
    }
    auto j = minimalLlama();
    j["architectures"] = "LlamaForCausalLM";
    expectFileError(j, "architectures", "expected a list of class names, found \"LlamaForCausalLM\"");
    j["architectures"] = nlohmann::json::array();
    expectFileError(j, "architectures", "expected a list of class names, found []");
    j["architectures"] = {7};
    expectFileError(j, "architectures", "expected a list of class names, found [7]");
    // The same values the right way round load.
    j = minimalLlama();
    j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                         {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
    j["bos_token_id"] = 0;
    j["pad_token_id"] = 0;
    rlrf::json::writeFileAtomically(path, j.dump(2));
    QCOMPARE(rlrf::model::loadModelConfig(path).bosTokenId, std::optional<std::int64_t>(0));
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
