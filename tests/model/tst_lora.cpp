// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA adapters on the real stories260K model: a fresh adapter changes nothing,
// an adapter computes W x + (alpha / r) B A x exactly, switching it off gives the
// base, the folder written is PEFT's layout and loads back, an adapter written the
// way PEFT writes one loads too, merging gives a plain model with the adapter's
// outputs, and every bad adapter is refused with the file and tensor named.
#include <torch/torch.h>

#include "common/cli_runner.h"
#include "common/error_assert.h"
#include "common/stories_fixture.h"
#include "core/json_io.h"
#include "model/adapter_folder.h"
#include "model/llama_model.h"
#include "model/lora.h"
#include "model/policy.h"
#include "model/safetensors_reader.h"
#include "model/safetensors_writer.h"
#include "model/torch_tensor_views.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

using namespace rlrf;
namespace fs = std::filesystem;

namespace {

const std::vector<std::int64_t> kPrompt = {1, 403, 281, 266, 270, 13, 72, 9, 88, 120};

torch::Tensor logitsOf(const model::Policy &policy)
{
    torch::NoGradGuard noGrad;
    return policy.module().forward(torch::tensor(kPrompt).view({1, -1}));
}

train::LoraSettings settings(std::int64_t rank, std::vector<std::string> targets = train::loraTargetableModules())
{
    train::LoraSettings s;
    s.rank = rank;
    s.alpha = 2.0 * static_cast<double>(rank);
    s.targetModules = std::move(targets);
    return s;
}

// Gives every B a non-zero value, so the adapter does something.
void randomiseB(model::Policy &policy, std::uint64_t seed)
{
    torch::manual_seed(static_cast<std::int64_t>(seed));
    torch::NoGradGuard noGrad;
    for (auto &[name, t] : policy.module().lora->tensors)
        if (name.find("lora_B") != std::string::npos)
            t.normal_(0.0, 0.05);
}

void writeText(const std::string &path, const std::string &text)
{
    std::ofstream(path) << text;
}

} // namespace

class TestLora : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_base = test::convertStories260K(m_dir.filePath(QStringLiteral("base")));
    }

    void peftConfigRoundTripsAndRefusesWhatItCannotApply()
    {
        auto s = settings(4, {"q_proj", "v_proj"});
        s.dropout = 0.05;
        s.baseModel = "/models/base";
        const auto json = train::peftAdapterConfig(s);
        QCOMPARE(json["peft_type"].get<std::string>(), std::string("LORA"));
        QCOMPARE(json["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
        QCOMPARE(json["bias"].get<std::string>(), std::string("none"));
        const auto back = train::loraSettingsFromPeft(json, "adapter_config.json");
        QCOMPARE(back.rank, 4);
        QCOMPARE(back.alpha, 8.0);
        QCOMPARE(back.dropout, 0.05);
        QCOMPARE(back.targetModules, s.targetModules);
        QCOMPARE(back.baseModel, s.baseModel);
        QCOMPARE(back.scale(), 2.0);

        auto allLinear = json;
        allLinear["target_modules"] = "all-linear";
        QCOMPARE(train::loraSettingsFromPeft(allLinear, "f").targetModules, train::loraTargetableModules());
        auto dora = json;
        dora["use_dora"] = true;
        RLRF_VERIFY_THROWS_WITH(train::loraSettingsFromPeft(dora, "f"), "use_dora");
        auto saved = json;
        saved["modules_to_save"] = {"lm_head"};
        RLRF_VERIFY_THROWS_WITH(train::loraSettingsFromPeft(saved, "f"), "modules_to_save");
        auto regex = json;
        regex["target_modules"] = ".*attn.*";
        RLRF_VERIFY_THROWS_WITH(train::loraSettingsFromPeft(regex, "f"), "regular expression");
        auto unknown = json;
        unknown["target_modules"] = {"c_attn"};
        RLRF_VERIFY_THROWS_WITH(train::loraSettingsFromPeft(unknown, "f"), "unknown module 'c_attn'");
        auto prefix = json;
        prefix["peft_type"] = "PREFIX_TUNING";
        RLRF_VERIFY_THROWS_WITH(train::loraSettingsFromPeft(prefix, "f"), "only LORA");
    }

    // B starts at zero: attaching an adapter must not move a single logit, and
    // only the adapter's tensors are left to train.
    void aFreshAdapterChangesNothing()
    {
        auto policy = model::Policy::load(m_base);
        const auto before = logitsOf(policy);
        policy.addLora(settings(4), 7);
        QVERIFY(policy.hasLora());
        QVERIFY(torch::equal(before, logitsOf(policy)));
        const auto trainable = model::trainableParameters(policy.module());
        const auto layers = policy.config().numLayers;
        QCOMPARE(static_cast<std::int64_t>(trainable.size()), layers * 7 * 2);
        for (const auto &p : policy.module().parameters())
            QVERIFY(!p.requires_grad());
        for (const auto &p : trainable) {
            QVERIFY(p.requires_grad());
            QCOMPARE(p.scalar_type(), torch::kFloat32);
        }
        // PEFT's initialisation: A ~ U(-1/sqrt(in), 1/sqrt(in)), B = 0.
        const auto &a = policy.module().lora->tensors.at(model::peftTensorName(0, "q_proj", true));
        const auto in = policy.config().hiddenSize;
        QCOMPARE(a.sizes().vec(), (std::vector<std::int64_t>{4, in}));
        QVERIFY(a.abs().max().item<double>() <= 1.0 / std::sqrt(static_cast<double>(in)));
        QVERIFY(a.abs().max().item<double>() > 0.5 / std::sqrt(static_cast<double>(in)));
    }

    // The adapter's output equals the base with W + s B A in every adapted layer,
    // and switching it off gives the base again.
    void anAdapterIsTheLowRankUpdateAndSwitchesOff()
    {
        auto base = model::Policy::load(m_base);
        const auto baseLogits = logitsOf(base);
        auto adapted = model::Policy::load(m_base);
        adapted.addLora(settings(3, {"q_proj", "o_proj", "up_proj", "down_proj"}), 11);
        randomiseB(adapted, 3);
        const auto withAdapter = logitsOf(adapted);
        QVERIFY((withAdapter - baseLogits).abs().max().item<double>() > 1e-3);
        {
            model::LoraDisabled off(adapted.module());
            QVERIFY(torch::equal(logitsOf(adapted), baseLogits));
        }
        QVERIFY(torch::equal(logitsOf(adapted), withAdapter));

        // By hand: fold W + (alpha / r) B A into a third copy.
        auto byHand = model::Policy::load(m_base);
        {
            torch::NoGradGuard noGrad;
            const auto named = byHand.module().named_parameters();
            for (const auto &[name, t] : adapted.module().lora->tensors) {
                if (name.find("lora_A") == std::string::npos)
                    continue;
                const auto module = name.substr(std::string("base_model.model.").size(),
                                                name.size() - std::string("base_model.model.").size()
                                                    - std::string(".lora_A.weight").size());
                const auto &b = adapted.module().lora->tensors.at(name.substr(0, name.size() - 14) + ".lora_B.weight");
                named[module + ".weight"].add_(torch::matmul(b, t) * 2.0);
            }
        }
        QVERIFY2(torch::allclose(logitsOf(byHand), withAdapter, 1e-4, 1e-4),
                 qPrintable(QString::number((logitsOf(byHand) - withAdapter).abs().max().item<double>())));
    }

    // save() writes PEFT's folder: its config, its tensor names and shapes, the
    // base named; loading the folder gives the same model.
    void theAdapterFolderIsPeftsLayoutAndLoadsBack()
    {
        auto policy = model::Policy::load(m_base);
        policy.addLora(settings(4, {"q_proj", "v_proj"}), 5);
        randomiseB(policy, 9);
        const auto expected = logitsOf(policy);
        const auto folder = m_dir.filePath(QStringLiteral("adapter")).toStdString();
        policy.save(folder);
        QVERIFY(fs::is_regular_file(fs::path(folder) / "adapter_config.json"));
        QVERIFY(fs::is_regular_file(fs::path(folder) / "adapter_model.safetensors"));
        QVERIFY(!fs::exists(fs::path(folder) / "config.json"));
        QVERIFY(!fs::exists(fs::path(folder) / "model.safetensors"));
        QVERIFY(fs::is_regular_file(fs::path(folder) / "tokenizer.json"));
        const auto config = json::readFile(folder + "/adapter_config.json");
        QCOMPARE(config["r"].get<int>(), 4);
        QCOMPARE(config["lora_alpha"].get<double>(), 8.0);
        QCOMPARE(config["base_model_name_or_path"].get<std::string>(),
                 fs::absolute(m_base).lexically_normal().string());
        const auto file = model::SafetensorsFile::open(folder + "/adapter_model.safetensors");
        QCOMPARE(file.metadata().at("format"), std::string("pt"));
        const auto layers = policy.config().numLayers;
        QCOMPARE(static_cast<std::int64_t>(file.tensors().size()), layers * 2 * 2);
        const auto *a = file.find("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
        const auto *b = file.find("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
        QVERIFY(a && b);
        QCOMPARE(a->shape, (std::vector<std::int64_t>{4, policy.config().hiddenSize}));
        QCOMPARE(b->shape, (std::vector<std::int64_t>{policy.config().numKvHeads * policy.config().headDim, 4}));

        const auto loaded = model::Policy::load(folder);
        QVERIFY(loaded.hasLora());
        QCOMPARE(loaded.baseFolder(), fs::absolute(m_base).lexically_normal().string());
        QVERIFY(torch::equal(logitsOf(loaded), expected));
    }

    // An adapter as PEFT publishes one: its full adapter_config.json, targets in
    // its own order, tensors under PEFT's names (here also with the ".default"
    // adapter name some versions write), in bfloat16. The workbench applies it as
    // the formula says.
    void anAdapterWrittenByPeftLoads()
    {
        const auto folder = m_dir.filePath(QStringLiteral("peft")).toStdString();
        fs::create_directories(folder);
        writeText(folder + "/adapter_config.json", R"({
  "alpha_pattern": {},
  "auto_mapping": null,
  "base_model_name_or_path": "../base",
  "bias": "none",
  "fan_in_fan_out": false,
  "inference_mode": true,
  "init_lora_weights": true,
  "layer_replication": null,
  "layers_pattern": null,
  "layers_to_transform": null,
  "loftq_config": {},
  "lora_alpha": 16,
  "lora_dropout": 0.05,
  "megatron_config": null,
  "megatron_core": "megatron.core",
  "modules_to_save": null,
  "peft_type": "LORA",
  "r": 8,
  "rank_pattern": {},
  "revision": null,
  "target_modules": ["v_proj", "gate_proj"],
  "task_type": "CAUSAL_LM",
  "use_dora": false,
  "use_rslora": false
})");
        auto base = model::Policy::load(m_base);
        const auto &c = base.config();
        torch::manual_seed(21);
        std::map<std::string, torch::Tensor> tensors;
        for (std::int64_t i = 0; i < c.numLayers; ++i) {
            const auto kv = c.numKvHeads * c.headDim;
            const std::string p = "base_model.model.model.layers." + std::to_string(i);
            tensors[p + ".self_attn.v_proj.lora_A.weight"] = torch::randn({8, c.hiddenSize}).mul(0.1).to(torch::kBFloat16);
            tensors[p + ".self_attn.v_proj.lora_B.weight"] = torch::randn({kv, 8}).mul(0.1).to(torch::kBFloat16);
            tensors[p + ".mlp.gate_proj.lora_A.default.weight"] = torch::randn({8, c.hiddenSize}).mul(0.1).to(torch::kBFloat16);
            tensors[p + ".mlp.gate_proj.lora_B.default.weight"] = torch::randn({c.intermediateSize, 8}).mul(0.1).to(torch::kBFloat16);
        }
        model::writeSafetensorsFile(folder + "/adapter_model.safetensors", model::toViews(tensors));

        const auto loaded = model::Policy::load(folder); // base found relative to the adapter folder
        QCOMPARE(loaded.lora().rank, 8);
        QCOMPARE(loaded.lora().dropout, 0.05);
        {
            torch::NoGradGuard noGrad;
            auto named = base.module().named_parameters();
            for (const auto &[name, a] : tensors) {
                if (name.find("lora_A") == std::string::npos)
                    continue;
                auto bName = name;
                bName.replace(bName.find("lora_A"), 6, "lora_B");
                auto module = name.substr(std::string("base_model.model.").size());
                module = module.substr(0, module.find(".lora_A"));
                named[module + ".weight"].add_(torch::matmul(tensors.at(bName).to(torch::kFloat32),
                                                             a.to(torch::kFloat32)) * 2.0);
            }
        }
        QVERIFY2(torch::allclose(logitsOf(loaded), logitsOf(base), 1e-4, 1e-4),
                 qPrintable(QString::number((logitsOf(loaded) - logitsOf(base)).abs().max().item<double>())));
    }

    // `rlrf info` on an adapter folder: its base's facts and the adapter's.
    void infoDescribesAnAdapterFolder()
    {
        auto policy = model::Policy::load(m_base);
        policy.addLora(settings(4, {"q_proj", "v_proj"}), 2);
        const auto folder = m_dir.filePath(QStringLiteral("info-adapter"));
        policy.save(folder.toStdString());
        const auto run = test::runCli({QStringLiteral("info"), QStringLiteral("--model"), folder, QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto info = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(info["lora_r"].get<int>(), 4);
        QCOMPARE(info["lora_target_modules"].get<std::vector<std::string>>(), (std::vector<std::string>{"q_proj", "v_proj"}));
        const auto &c = policy.config();
        QCOMPARE(info["lora_parameters"].get<std::int64_t>(),
                 c.numLayers * 4 * (c.hiddenSize + c.numHeads * c.headDim + c.hiddenSize + c.numKvHeads * c.headDim));
        QCOMPARE(info["layers"].get<std::int64_t>(), c.numLayers);
        QCOMPARE(info["lora_base_model"].get<std::string>(), fs::absolute(m_base).lexically_normal().string());
    }

    // `rlrf model merge` writes a plain model folder whose outputs are the adapter's.
    void mergingGivesAPlainModelWithTheAdaptersOutputs()
    {
        auto policy = model::Policy::load(m_base);
        policy.addLora(settings(4), 17);
        randomiseB(policy, 23);
        const auto expected = logitsOf(policy);
        const auto adapter = m_dir.filePath(QStringLiteral("to-merge"));
        policy.save(adapter.toStdString());
        const auto merged = m_dir.filePath(QStringLiteral("merged"));
        const auto run = test::runCli({QStringLiteral("model"), QStringLiteral("merge"), adapter,
                                       QStringLiteral("--out"), merged});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const auto line = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(line["r"].get<int>(), 4);
        QVERIFY(fs::is_regular_file(fs::path(merged.toStdString()) / "config.json"));
        QVERIFY(fs::is_regular_file(fs::path(merged.toStdString()) / "tokenizer.json"));
        QVERIFY(!fs::exists(fs::path(merged.toStdString()) / "adapter_config.json"));
        const auto plain = model::Policy::load(merged.toStdString());
        QVERIFY(!plain.hasLora());
        QVERIFY2(torch::allclose(logitsOf(plain), expected, 1e-4, 1e-4),
                 qPrintable(QString::number((logitsOf(plain) - expected).abs().max().item<double>())));
        // Merging in memory does the same and leaves a model that trains whole.
        policy.mergeLora();
        QVERIFY(!policy.hasLora());
        QVERIFY(torch::allclose(logitsOf(policy), expected, 1e-4, 1e-4));
        for (const auto &p : policy.module().parameters())
            QVERIFY(p.requires_grad());
    }

    void badAdaptersAreRefusedWithTheirCause()
    {
        auto policy = model::Policy::load(m_base);
        policy.addLora(settings(2, {"q_proj"}), 1);
        const auto good = m_dir.filePath(QStringLiteral("good")).toStdString();
        policy.save(good);

        const auto copy = [&](const char *name) {
            const auto to = m_dir.filePath(QString::fromLatin1(name)).toStdString();
            fs::create_directories(to);
            for (const auto &e : fs::directory_iterator(good))
                fs::copy_file(e.path(), fs::path(to) / e.path().filename(), fs::copy_options::overwrite_existing);
            return to;
        };
        // A tensor missing: target_modules names a layer the file does not hold.
        const auto missing = copy("missing");
        auto config = json::readFile(missing + "/adapter_config.json");
        config["target_modules"] = {"q_proj", "k_proj"};
        writeText(missing + "/adapter_config.json", config.dump());
        RLRF_VERIFY_THROWS_WITH(model::Policy::load(missing), "k_proj.lora_A.weight");
        // A rank that does not match the tensors.
        const auto rank = copy("rank");
        config = json::readFile(rank + "/adapter_config.json");
        config["r"] = 3;
        writeText(rank + "/adapter_config.json", config.dump());
        RLRF_VERIFY_THROWS_WITH(model::Policy::load(rank), "r = 3");
        // A base that is not here: the message says how to pass one.
        const auto hub = copy("hub");
        config = json::readFile(hub + "/adapter_config.json");
        config["base_model_name_or_path"] = "Qwen/Qwen2.5-0.5B";
        writeText(hub + "/adapter_config.json", config.dump());
        RLRF_VERIFY_THROWS_WITH(model::Policy::load(hub), "--base DIR");
        model::PolicyOptions withBase;
        withBase.baseModel = m_base;
        QVERIFY(model::Policy::load(hub, withBase).hasLora());
        // A pickle adapter is never unpickled.
        const auto pickle = copy("pickle");
        fs::rename(fs::path(pickle) / "adapter_model.safetensors", fs::path(pickle) / "adapter_model.bin");
        RLRF_VERIFY_THROWS_WITH(model::Policy::load(pickle), "pickle");
        // A tensor of a layer that is not targeted.
        const auto extra = copy("extra");
        {
            const auto file = model::SafetensorsFile::open(extra + "/adapter_model.safetensors");
            std::map<std::string, torch::Tensor> tensors;
            for (const auto &v : file.tensors())
                tensors[v.name] = model::toTensor(v).clone();
            tensors["base_model.model.model.layers.0.mlp.up_proj.lora_A.weight"] = torch::zeros({2, 64});
            model::writeSafetensorsFile(extra + "/adapter_model.safetensors.new", model::toViews(tensors));
        }
        fs::rename(extra + "/adapter_model.safetensors.new", extra + "/adapter_model.safetensors");
        RLRF_VERIFY_THROWS_WITH(model::Policy::load(extra), "up_proj.lora_A.weight");
        // Merging something that is no adapter.
        const auto run = test::runCli({QStringLiteral("model"), QStringLiteral("merge"), QString::fromStdString(m_base),
                                       QStringLiteral("--out"), m_dir.filePath(QStringLiteral("nope"))});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("not a LoRA adapter folder"), run.err.constData());
    }

private:
    QTemporaryDir m_dir;
    std::string m_base;
};

QTEST_GUILESS_MAIN(TestLora)
#include "tst_lora.moc"
