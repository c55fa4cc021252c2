// SPDX-License-Identifier: GPL-3.0-or-later
// Reflect-Retry-Reward with a LoRA adapter, end to end through runRrr on a
// copy of the arith demo model (resources/models/arith-demo: it solves some
// arith problems and not others, so retries differ in reward and the adapter
// has something to learn) with tiny settings. Checked: only the adapter trains (the base's weights file is
// unchanged; final/ is a PEFT adapter folder naming the base), one model is
// loaded (the KL reference is the policy with its adapter off, with beta > 0),
// the final adapter folder loaded on its own gives the run's "after"
// evaluation, a run stopped after step 2 continues from its adapter
// checkpoint, reads no second model, records each step once and ends with the
// very adapter an uninterrupted run ends with (so the AdamW state went back
// onto the adapter's tensors), an adapter folder as --model trains its own
// adapter, and another adapter on top of it is refused before a run is
// recorded. Also: the settings' JSON, that settings stored before the LoRA
// keys existed still find their checkpoints, bad LoRA values named, and a run
// with gradient checkpointing ends with the same adapter as one without.
#include "pipeline/rrr/rrr_checkpoint.h"
#include "pipeline/rrr/rrr_models.h"
#include "pipeline/rrr/rrr_option_table.h"
#include "pipeline/rrr/rrr_run.h"
#include "pipeline/rrr/rrr_task_factory.h"

#include "common/error_assert.h"
#include "common/test_paths.h"
#include "core/json_io.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
#include "store/rrr_repository.h"
#include "store/run_repository.h"

#include <torch/torch.h>

#include "model/llama_model.h"
#include "model/lora.h"
#include "model/safetensors_reader.h"
#include "model/torch_tensor_views.h"

#include <spdlog/sinks/ostream_sink.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <sstream>

using namespace rlrf;
namespace fs = std::filesystem;

namespace {

QByteArray fileBytes(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

int count(const std::string &text, const std::string &part)
{
    int n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
        ++n;
    return n;
}

// What `rlrf rrr` stored as a run's settings before the LoRA keys existed
// (a small run, without --lora-r).
const char *const kSettingsBeforeLora =
    R"({"beta":0.01,"checkpoint_every":1,"clip_epsilon":0.2,"data":"","device":"cpu","epochs":1.0,)"
    R"("failures_per_query":1,"failures_per_step":2,"generation_batch":64,"group_size":2,"learning_rate":0.001,)"
    R"("max_answer_tokens":24,"max_grad_norm":1.0,"max_reflection_tokens":12,"max_steps":4,"mine_samples":2,)"
    R"("mine_temperature":1.0,"model":"/models/m","out":"","reflection_temperature":1.0,"retry_temperature":0.7,)"
    R"("seed":2,"task":"arith","test_queries":3,"test_seed":0,"train_queries":3,"updates_per_batch":1,)"
    R"("warmup_ratio":0.03,"weight_decay":0.0})";

} // namespace

class TestRrrLora : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_model;
    QByteArray m_baseWeights;
    std::ostringstream m_log;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> m_sink;
    std::string m_uninterruptedFinal;
    rrr::TwoTryAccuracy m_uninterruptedAfter;

    std::string path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

    rrr::RrrRunRequest tiny(const std::string &project) const
    {
        rrr::RrrRunRequest r;
        r.projectPath = project;
        r.task = "arith";
        auto &c = r.config;
        c.seed = 2;
        c.trainQueries = 8;
        c.mineSamples = 2;
        c.mineTemperature = 1.0;
        c.testQueries = 4;
        c.groupSize = 4;
        c.failuresPerStep = 2;
        c.maxSteps = 4;
        c.checkpointEvery = 1;
        // Answer and reflection lengths stay the defaults: cut shorter, the retries
        // all fail alike and no group has a reward spread to learn from.
        c.warmupRatio = 0.0; // with warm-up the first step's learning rate is 0
        c.learningRate = 1e-3; // B starts at zero: big enough steps that the adapter visibly moves
        c.beta = 0.01;         // the KL term reads the reference: still no second copy
        c.lora.rank = 4;
        return r;
    }

    std::string newProject(const char *name) const
    {
        const auto file = path(name);
        store::Project::create(file, {"arith", m_model, {}, 0});
        return file;
    }

    std::string takeLog()
    {
        m_sink->flush();
        auto text = m_log.str();
        m_log.str({});
        return text;
    }

    // Every "loaded <folder> (..." line is one full copy of a model read from disk.
    int modelLoads(const std::string &log) const { return count(log, "loaded " + m_model + " ("); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A copy: the run must leave its weights file as it found it.
        m_model = path("model");
        fs::copy(test::sourceDir().toStdString() + "/resources/models/arith-demo", m_model);
        m_baseWeights = fileBytes((fs::path(m_model) / "model.safetensors").string());
        QVERIFY(!m_baseWeights.isEmpty());
        log::init(spdlog::level::info);
        m_sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(m_log);
        log::attachSink(m_sink);
    }

    void cleanupTestCase() { log::detachSink(m_sink); }

    void settingsRoundTripAndEarlierRunsStillMatch()
    {
        // Off, the settings are written as before the LoRA keys existed.
        const auto plain = rrr::toJson(rrr::RrrConfig{});
        QVERIFY(!plain.contains("lora") && !plain.contains("gradient_checkpointing"));
        auto withLora = rrr::RrrConfig{};
        withLora.lora.rank = 8;
        withLora.lora.alpha = 32;
        withLora.lora.targetModules = {"q_proj", "v_proj"};
        withLora.gradientCheckpointing = true;
        const auto json = rrr::toJson(withLora);
        QCOMPARE(json["lora"]["r"].get<int>(), 8);
        QCOMPARE(json["lora"]["target_modules"], nlohmann::json({"q_proj", "v_proj"}));
        QCOMPARE(json["gradient_checkpointing"].get<bool>(), true);
        QCOMPARE(rrr::toJson(rrr::rrrConfigFromJson(json, "test")), json);

        // A run stored before: its settings read back to exactly what was stored,
        // so the checkpoint it wrote (its trainer_state.json holds those
        // settings) is still the one it continues from.
        auto stored = nlohmann::json::parse(kSettingsBeforeLora);
        for (const char *key : {"task", "data", "model", "out"})
            stored.erase(key);
        const auto config = rrr::rrrConfigFromJson(stored, "run 1");
        QVERIFY(!config.lora.enabled());
        QVERIFY(!config.gradientCheckpointing);
        QCOMPARE(rrr::toJson(config), stored);
        const auto out = path("old-run");
        const auto checkpoint = fs::path(out) / "checkpoint-3";
        fs::create_directories(checkpoint);
        json::writeFileAtomically((checkpoint / rrr::kRrrOptimizerFile).string(), "");
        json::writeFileAtomically((checkpoint / rrr::kRrrTrainerStateFile).string(),
                                  nlohmann::json{{"step", 3}, {"settings", stored}}.dump());
        const auto point = rrr::latestRrrCheckpoint(out, rrr::toJson(config));
        QVERIFY(point.has_value());
        QCOMPARE(point->step, std::int64_t{3});
        // The same run asked to train an adapter is another run: its checkpoint is not taken.
        QVERIFY(!rrr::latestRrrCheckpoint(out, json).has_value());
    }

    void badLoraSettingsAreNamed()
    {
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", {{"r", -1}}}}, "cfg.json"), "cfg.json: 'lora.r'");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", {{"r", 4}, {"lora_alpha", 0}}}}, "cfg.json"),
                                "'lora.lora_alpha': must be positive");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", {{"r", 4}, {"lora_dropout", 1.0}}}}, "cfg.json"),
                                "'lora.lora_dropout': must be in [0, 1)");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", {{"r", 4}, {"target_modules", {"qkv"}}}}}, "cfg.json"),
                                "'lora.target_modules': unknown module 'qkv'");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", {{"rank", 4}}}}, "cfg.json"), "'lora.rank': unknown");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"lora", 4}}, "cfg.json"), "'lora': must be an object");
        RLRF_VERIFY_THROWS_WITH(rrr::rrrConfigFromJson({{"gradient_checkpointing", 1}}, "cfg.json"),
                                "'gradient_checkpointing': wrong type");

        // The form's and the command line's values: the table's ranges are what
        // validate() accepts, and validate() names what the table cannot express.
        const auto apply = [](std::map<std::string, std::string> values) {
            values["task"] = "arith";
            rrr::RrrRunRequest request;
            rrr::applyRrrValues(values, request, "command line");
            return request.config;
        };
        RLRF_VERIFY_THROWS_WITH(apply({{"lora-r", "-1"}}), "'--lora-r': must be at least 0");
        RLRF_VERIFY_THROWS_WITH(apply({{"lora-alpha", "0"}}), "'--lora-alpha': must be above 0");
        RLRF_VERIFY_THROWS_WITH(apply({{"lora-dropout", "-0.1"}}), "'--lora-dropout': must be at least 0");
        RLRF_VERIFY_THROWS_WITH(apply({{"lora-r", "4"}, {"lora-dropout", "1"}}),
                                "command line: 'lora.lora_dropout': must be in [0, 1)");
        RLRF_VERIFY_THROWS_WITH(apply({{"lora-targets", "q_proj,qkv"}}), "'--lora-targets'");
        const auto c = apply({{"lora-r", "8"}, {"lora-alpha", "4"}, {"lora-dropout", "0.1"},
                              {"lora-targets", "q_proj,v_proj"}, {"gradient-checkpointing", "1"}});
        QCOMPARE(c.lora.rank, std::int64_t{8});
        QCOMPARE(c.lora.alpha, 4.0);
        QCOMPARE(c.lora.dropout, 0.1);
        QCOMPARE(c.lora.targetModules, (std::vector<std::string>{"q_proj", "v_proj"}));
        QVERIFY(c.gradientCheckpointing);
        QCOMPARE(apply({{"lora-r", "8"}, {"lora-targets", "all-linear"}}).lora.targetModules,
                 train::loraTargetableModules());
        rrr::RrrRunRequest defaults;
        for (const auto &f : rrr::rrrOptionFields())
            if (f.flag == "lora-r" || f.flag == "lora-targets" || f.flag == "gradient-checkpointing")
                QVERIFY2(!f.get(defaults).empty(), f.flag.c_str());
    }

    // Which reference a run gets.
    void modelsOfARun()
    {
        auto config = tiny("unused").config;
        config.gradientCheckpointing = true;
        takeLog();
        {
            auto models = rrr::RrrModels::load(config, m_model, m_model, "test");
            QVERIFY(models.policy().policy().hasLora());
            QVERIFY(models.referenceIsPolicy());
            QCOMPARE(&models.reference(), static_cast<const model::TextModel *>(&models.policy()));
        }
        const auto log = takeLog();
        QCOMPARE(modelLoads(log), 1);
        // Full fine-tuning with a KL term keeps a frozen copy of the start model.
        config.lora.rank = 0;
        config.gradientCheckpointing = false;
        auto full = rrr::RrrModels::load(config, m_model, m_model, "test");
        QVERIFY(!full.policy().policy().hasLora());
        QVERIFY(!full.referenceIsPolicy());
        QCOMPARE(modelLoads(takeLog()), 2);
    }

    void loraRunTrainsOnlyTheAdapter()
    {
        const auto project = newProject("a.rlrf");
        takeLog();
        const auto result = rrr::runRrr(tiny(project), RunContext{});
        const auto log = takeLog();
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(result.training.steps, std::int64_t{4});
        QVERIFY(result.failures > 0);

        // One model read from disk: the reference is the policy with its adapter off.
        QCOMPARE(modelLoads(log), 1);
        QVERIFY2(log.find("the KL reference is the same model with the adapter switched off") != std::string::npos,
                 log.c_str());
        // The KL term saw a reference apart from the trained policy: the adapter was off there.
        QVERIFY(result.training.metrics.at("rrr/kl") > 0.0);

        // The base is untouched; the final model is the adapter, naming its base.
        QCOMPARE(fileBytes((fs::path(m_model) / "model.safetensors").string()), m_baseWeights);
        const auto final = result.checkpoint;
        QCOMPARE(fs::path(final).filename().string(), std::string("final"));
        QVERIFY(model::isAdapterFolder(final));
        QVERIFY(fs::exists(fs::path(final) / model::kAdapterConfigFile));
        QVERIFY(fs::exists(fs::path(final) / model::kAdapterWeightsFile));
        QVERIFY(!fs::exists(fs::path(final) / "config.json") && !fs::exists(fs::path(final) / "model.safetensors"));
        const auto settings = model::readAdapterSettings(final);
        QCOMPARE(settings.rank, std::int64_t{4});
        QCOMPARE(fs::path(settings.baseModel), fs::absolute(m_model).lexically_normal());
        // Only the final folder is left: the step checkpoints (adapter folders too) are gone.
        QCOMPARE(QDir(QString::fromStdString(fs::path(final).parent_path().string()))
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("final")});

        auto file = store::Project::open(project);
        const auto run = store::RunRepository(file.db()).byId(result.runId);
        const auto stored = nlohmann::json::parse(run.hyperParametersJson);
        QCOMPARE(stored["lora"]["r"].get<int>(), 4);

        // The adapter learned (B moved off zero) and the folder loads with its base:
        // greedy two-try evaluation of it gives the run's "after" numbers.
        const auto trained = model::TextModel::load(final);
        QVERIFY(trained.policy().hasLora());
        double bSum = 0.0;
        for (const auto &[name, tensor] : trained.policy().module().lora->tensors)
            if (name.find("lora_B") != std::string::npos)
                bSum += tensor.abs().sum().item<double>();
        QVERIFY(bSum > 0.0);
        const auto task = rrr::makeRrrTask("arith", "");
        const auto c = tiny(project).config;
        const auto test = task->problems(tasks::Split::Test, static_cast<std::size_t>(c.testQueries), c.testSeed);
        const auto again = rrr::evaluateTwoTries(rrr::PolicySampler(trained, 64), *task, test,
                                                 {c.maxAnswerTokens, c.maxReflectionTokens});
        QCOMPARE(again.first, result.after.first);
        QCOMPARE(again.second, result.after.second);
        m_uninterruptedFinal = final;
        m_uninterruptedAfter = result.after;
    }

    void stoppedLoraRunContinuesWithItsAdapter()
    {
        QVERIFY2(!m_uninterruptedFinal.empty(), "needs loraRunTrainsOnlyTheAdapter");
        const auto project = newProject("b.rlrf");
        RunContext stopping;
        stopping.onProgress = [&stopping](const Progress &p) {
            if (p.stage == "rrr" && p.done == 2)
                stopping.cancel.requestStop();
        };
        auto first = rrr::runRrr(tiny(project), stopping);
        QVERIFY(first.outcome == Outcome::Cancelled);
        QCOMPARE(first.training.steps, std::int64_t{2});
        const auto out = fs::path(project + ".runs") / ("rrr-" + std::to_string(first.runId));
        const auto checkpoint = out / "checkpoint-2";
        QVERIFY(model::isAdapterFolder(checkpoint.string()));
        QVERIFY(fs::exists(checkpoint / rrr::kRrrOptimizerFile));

        // Started again (with other settings asked for: a continued run keeps its own).
        auto request = tiny(project);
        request.config.lora.rank = 0;
        takeLog();
        const auto second = rrr::runRrr(request, RunContext{});
        const auto log = takeLog();
        QVERIFY2(second.outcome == Outcome::Succeeded, second.message.c_str());
        QVERIFY(second.resumed);
        QCOMPARE(second.runId, first.runId);
        QCOMPARE(second.training.steps, std::int64_t{4});
        QVERIFY2(log.find("continuing after step 2") != std::string::npos, log.c_str());
        QVERIFY2(log.find("attached the LoRA adapter " + checkpoint.string()) != std::string::npos, log.c_str());
        QCOMPARE(modelLoads(log), 1); // the base under the checkpoint's adapter, and no reference copy

        auto file = store::Project::open(project);
        QCOMPARE(store::RrrRepository(file.db()).reflectionCount(first.runId), std::int64_t{4 * 2 * 4}); // steps x failures x G
        const auto reward = store::MetricRepository(file.db()).series(first.runId, "rrr/reward_mean");
        QCOMPARE(reward.size(), std::size_t{4});
        for (std::size_t i = 0; i < reward.size(); ++i)
            QCOMPARE(reward[i].step, std::int64_t(i + 1));

        // Weights and AdamW moments both came back onto the adapter's tensors:
        // the adapter is the one the uninterrupted run ended with, bit for bit.
        QVERIFY(model::isAdapterFolder(second.checkpoint));
        const auto resumed = fileBytes((fs::path(second.checkpoint) / model::kAdapterWeightsFile).string());
        QVERIFY(!resumed.isEmpty());
        QVERIFY2(resumed == fileBytes((fs::path(m_uninterruptedFinal) / model::kAdapterWeightsFile).string()),
                 "the resumed run's adapter differs from the uninterrupted run's");
        QCOMPARE(second.after.first, m_uninterruptedAfter.first);
        QCOMPARE(second.after.second, m_uninterruptedAfter.second);
        QCOMPARE(fileBytes((fs::path(m_model) / "model.safetensors").string()), m_baseWeights);
    }

    // Checkpointed GRPO updates recompute the layers instead of keeping them:
    // the same adapter comes out.
    void gradientCheckpointingChangesMemoryNotTheAdapter()
    {
        QVERIFY2(!m_uninterruptedFinal.empty(), "needs loraRunTrainsOnlyTheAdapter");
        auto request = tiny(newProject("gc.rlrf"));
        request.config.gradientCheckpointing = true;
        const auto result = rrr::runRrr(request, RunContext{});
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        const auto load = [](const std::string &folder) {
            const auto file = model::SafetensorsFile::open((fs::path(folder) / model::kAdapterWeightsFile).string());
            std::map<std::string, torch::Tensor> out;
            for (const auto &view : file.tensors())
                out[view.name] = model::toTensor(view).clone();
            return out;
        };
        const auto plain = load(m_uninterruptedFinal);
        const auto checkpointed = load(result.checkpoint);
        QCOMPARE(plain.size(), checkpointed.size());
        for (const auto &[name, t] : plain)
            QVERIFY2(torch::allclose(t, checkpointed.at(name), 1e-5, 1e-7), name.c_str());
    }

    void anAdapterFolderTrainsItsOwnAdapter()
    {
        QVERIFY2(!m_uninterruptedFinal.empty(), "needs loraRunTrainsOnlyTheAdapter");
        const auto project = newProject("c.rlrf");
        // Another adapter on top is refused before anything is recorded.
        auto other = tiny(project);
        other.modelDir = m_uninterruptedFinal;
        other.config.lora.rank = 8;
        RLRF_VERIFY_THROWS_WITH(rrr::runRrr(other, RunContext{}), "'lora': the model already carries a LoRA adapter (r 4)");
        {
            auto file = store::Project::open(project);
            QCOMPARE(store::RunRepository(file.db()).list().size(), std::size_t{0});
        }
        // Without LoRA settings it trains the adapter it carries, on the same base.
        auto own = tiny(project);
        own.modelDir = m_uninterruptedFinal;
        own.config.lora.rank = 0;
        own.config.maxSteps = 2;
        takeLog();
        const auto result = rrr::runRrr(own, RunContext{});
        const auto log = takeLog();
        QVERIFY2(result.outcome == Outcome::Succeeded, result.message.c_str());
        QCOMPARE(modelLoads(log), 1);
        QVERIFY(model::isAdapterFolder(result.checkpoint));
        QCOMPARE(fs::path(model::readAdapterSettings(result.checkpoint).baseModel),
                 fs::absolute(m_model).lexically_normal());
        QVERIFY(fileBytes((fs::path(result.checkpoint) / model::kAdapterWeightsFile).string())
                != fileBytes((fs::path(m_uninterruptedFinal) / model::kAdapterWeightsFile).string()));
        QCOMPARE(fileBytes((fs::path(m_model) / "model.safetensors").string()), m_baseWeights);
    }
};

QTEST_GUILESS_MAIN(TestRrrLora)
#include "tst_rrr_lora.moc"
