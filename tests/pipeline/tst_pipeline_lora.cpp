// SPDX-License-Identifier: GPL-3.0-or-later
// The RLRF loop with a LoRA adapter (--lora-r) on the shipped demo model: two
// iterations, stopped in M1's DPO and started again. M1 and M2 are PEFT adapter
// folders on M0's folder (no model.safetensors of their own), M0's file is never
// written, M0..M2 are evaluated with win rates, the run's stored settings carry
// the adapter, the stopped DPO pass continues from its checkpoint, and each
// DPO's reference is the model it starts from (adapter on), not the bare base:
// its first step's rewards are zero. Also the option table's LoRA fields and a
// run stored before them. Mechanics only, never this tiny model's accuracy.
#include "common/cli_runner.h"
#include "common/pipeline_fixture.h"
#include "common/test_paths.h"

#include "core/error.h"
#include "model/adapter_folder.h"
#include "model/text_model.h"
#include "pipeline/run/iteration_models.h"
#include "pipeline/run/pipeline_options.h"
#include "pipeline/run/rlrf_run.h"
#include "pipeline/run/run_option_table.h"
#include "store/metric_repository.h"
#include "store/project_file.h"
#include "store/run_repository.h"
#include "types/metric_names.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <memory>
#include <set>

using namespace rlrf;
namespace fs = std::filesystem;

namespace {

QByteArray sha256Of(const std::string &path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

pipeline::PipelineOptions loraOptions()
{
    auto o = test::tinyOptions();
    o.iterations = 2;
    o.promptsPerIteration = 8;
    o.samples = 4;
    o.temperature = 1.0;
    o.maxNewTokens = 48; // the demo model's worked answers, so scores differ and pairs form
    o.batchPrompts = 4;
    o.delta = 0.05;
    o.evalN = 4;
    o.evalMaxNewTokens = 48;
    o.sft.learningRate = 5e-3; // an adapter starts at zero: move it enough to tell it from the base
    o.dpo.learningRate = 5e-3;
    o.dpo.epochs = 2;
    o.sft.lora.rank = o.dpo.lora.rank = 4;
    o.sft.gradientCheckpointing = o.dpo.gradientCheckpointing = true;
    return o;
}

// Stops the run at the second step of the first DPO pass (M1's).
RunContext stopInFirstDpo(std::shared_ptr<bool> stopped)
{
    RunContext context;
    auto cancel = context.cancel;
    context.onMetric = [cancel, stopped](std::int64_t step, const std::string &key, double) mutable {
        if (!*stopped && key == metrics::kDpoLoss && step >= 2) {
            *stopped = true;
            cancel.requestStop();
        }
    };
    return context;
}

} // namespace

class TestPipelineLora : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void optionTableSetsOneAdapterForBothTrainers()
    {
        const auto o = pipeline::runOptionsFromValues({{"lora-r", "8"}, {"lora-alpha", "32"},
                                                       {"lora-targets", "q_proj,v_proj"},
                                                       {"gradient-checkpointing", "1"}});
        QCOMPARE(o.sft.lora.rank, std::int64_t(8));
        QCOMPARE(o.dpo.lora.rank, std::int64_t(8));
        QCOMPARE(o.sft.lora.alpha, 32.0);
        QVERIFY(o.dpo.lora.targetModules == (std::vector<std::string>{"q_proj", "v_proj"}));
        QVERIFY(o.sft.gradientCheckpointing && o.dpo.gradientCheckpointing);
        const auto values = pipeline::runOptionValues(o);
        QCOMPARE(values.at("lora-targets"), std::string("q_proj,v_proj"));
        QCOMPARE(pipeline::runOptionValues(pipeline::PipelineOptions{}).at("lora-targets"), std::string("all-linear"));
        QCOMPARE(pipeline::runOptionValues(pipeline::PipelineOptions{}).at("lora-r"), std::string("0"));
        // The stored settings carry the adapter and read back as they were.
        const auto back = pipeline::pipelineOptionsFromJson(pipeline::toJson(o), "stored");
        QCOMPARE(back.sft.lora.rank, std::int64_t(8));
        QVERIFY(back.dpo.lora.targetModules == o.dpo.lora.targetModules);
        QVERIFY(back.dpo.gradientCheckpointing);
    }

    void badLoraSettingsAreRefused()
    {
        try {
            (void)pipeline::runOptionsFromValues({{"lora-targets", "q_proj,x_proj"}}, "command line");
            QFAIL("an unknown target was accepted");
        } catch (const Error &e) {
            QCOMPARE(e.source().field, std::string("--lora-targets"));
        }
        // Stored settings whose trainers disagree on the adapter.
        auto o = loraOptions();
        o.sft.lora.rank = 8;
        QVERIFY_THROWS_EXCEPTION(Error, pipeline::validate(o));
        // Alpha, dropout or targets without a rank would be ignored: exit 2.
        const auto r = test::runCli({QStringLiteral("run"), m_dir.path() + QStringLiteral("/none.rlrf"),
                                     QStringLiteral("--lora-dropout"), QStringLiteral("0.1")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("need --lora-r N"), r.err.constData());
        const auto dropout = test::runCli({QStringLiteral("run"), m_dir.path() + QStringLiteral("/none.rlrf"),
                                           QStringLiteral("--lora-r"), QStringLiteral("4"),
                                           QStringLiteral("--lora-dropout"), QStringLiteral("1")});
        QCOMPARE(dropout.exitCode, 2);
        QVERIFY2(dropout.err.contains("'lora_dropout': must be in [0, 1)"), dropout.err.constData());
    }

    void runStoredBeforeLoraReadsAsFullFineTuning()
    {
        auto stored = pipeline::toJson(pipeline::PipelineOptions{});
        QVERIFY(!stored.at("dpo").contains("lora") && !stored.at("sft").contains("lora"));
        stored.erase("generator"); // an older run's keys
        const auto o = pipeline::pipelineOptionsFromJson(stored, "run 1");
        QVERIFY(!o.dpo.lora.enabled() && !o.sft.lora.enabled());
        QVERIFY(!o.dpo.gradientCheckpointing);
    }

    void twoIterationsTrainOneAdapterAndResumeInDpo()
    {
        const auto project = test::makePipelineProject(m_dir.path(), QStringLiteral("lora"), 16, 4,
                                                       test::sourceDir() + QStringLiteral("/resources/models/arith-demo"));
        const std::string baseWeights = project.modelDir + "/model.safetensors";
        const auto baseHash = sha256Of(baseWeights);
        QVERIFY(!baseHash.isEmpty());
        const auto options = loraOptions();
        const pipeline::PipelineRequest request{project.path, options, false, {}};

        // 1. Stopped in M1's DPO, after its supervised pass trained the adapter.
        auto stopped = std::make_shared<bool>(false);
        const auto first = pipeline::runPipeline(request, stopInFirstDpo(stopped));
        QVERIFY2(first.outcome == Outcome::Cancelled, (std::string(toString(first.outcome)) + ": " + first.message).c_str());
        QVERIFY(*stopped);
        QCOMPARE(first.iterationsDone, 0);

        // 2. Started again: the same run, DPO continues from its checkpoint, with the adapter.
        const auto second = pipeline::runPipeline(request, RunContext{});
        QVERIFY2(second.outcome == Outcome::Succeeded, (std::string(toString(second.outcome)) + ": " + second.message).c_str());
        QVERIFY(second.resumed);
        QCOMPARE(second.runId, first.runId);
        QCOMPARE(second.iterationsDone, 2);
        QCOMPARE(second.options.dpo.lora.rank, std::int64_t(4));

        auto file = store::Project::open(project.path);
        const auto base = fs::canonical(project.modelDir);
        std::string adapterBytes[3];
        for (int i = 1; i <= 2; ++i) {
            const auto model = pipeline::modelForIteration(file, i, second.runId);
            QVERIFY2(model::isAdapterFolder(model.folder), model.folder.c_str());
            QVERIFY(!fs::exists(fs::path(model.folder) / "model.safetensors"));
            QVERIFY(fs::exists(fs::path(model.folder) / model::kAdapterWeightsFile));
            const auto settings = model::readAdapterSettings(model.folder);
            QCOMPARE(settings.rank, std::int64_t(4));
            QVERIFY(fs::equivalent(settings.baseModel, base));
            QVERIFY(fs::equivalent(model.baseModel, base));
            adapterBytes[i] = sha256Of((fs::path(model.folder) / model::kAdapterWeightsFile).string()).toStdString();
        }
        QVERIFY(adapterBytes[1] != adapterBytes[2]); // iteration 2 trained the adapter on
        QCOMPARE(sha256Of(baseWeights), baseHash);    // M0's weights never written

        // Evaluations of M0, M1 and M2, with win rates from M1 on.
        std::set<std::pair<int, std::string>> rows;
        for (const auto &e : second.evaluations)
            rows.insert({e.iteration, e.metric});
        for (int i = 0; i <= 2; ++i)
            QVERIFY2(rows.count({i, "accuracy"}), std::to_string(i).c_str());
        QVERIFY(rows.count({1, "win_rate"}) && rows.count({2, "win_rate"}));

        // The run's stored settings carry the adapter (a resume reads them back).
        store::RunRepository runs(file.db());
        const auto stored = nlohmann::json::parse(runs.byId(second.runId).hyperParametersJson);
        QCOMPARE(stored.at("dpo").at("lora").at("r").get<int>(), 4);
        QCOMPARE(stored.at("sft").at("lora").at("r").get<int>(), 4);
        QVERIFY(stored.at("dpo").at("gradient_checkpointing").get<bool>());

        // M1's DPO: the stopped pass's row, then the resumed one, which went on
        // from the stop's checkpoint instead of starting over. M2's: one row.
        store::MetricRepository metrics(file.db());
        for (int i = 1; i <= 2; ++i) {
            std::vector<store::RunRecord> dpo;
            for (const auto &r : runs.list())
                if (r.kind == store::RunKind::Dpo && r.iteration == i)
                    dpo.push_back(r);
            QCOMPARE(dpo.size(), std::size_t(i == 1 ? 2 : 1));
            QVERIFY(dpo.back().status == store::RunStatus::Succeeded);
            if (i == 1) {
                QVERIFY(dpo.front().status == store::RunStatus::Cancelled);
                const auto resumed = metrics.series(dpo.back().id, metrics::kDpoLoss);
                QVERIFY(!resumed.empty());
                QCOMPARE(resumed.front().step, std::int64_t(3)); // after checkpoint-2
            }
            // The reference is DPO's starting model: nothing has moved at step 1.
            const auto chosen = metrics.series(dpo.front().id, metrics::kDpoRewardsChosen);
            QVERIFY(!chosen.empty());
            QCOMPARE(chosen.front().step, std::int64_t(1));
            QVERIFY2(std::abs(chosen.front().value) < 1e-3, std::to_string(chosen.front().value).c_str());
        }

        // ... which differs from the bare base: M1 scores a completion otherwise than M0.
        const auto m1 = pipeline::modelForIteration(file, 1, second.runId);
        const auto adapted = model::TextModel::load(m1.folder, {"cpu", "float32", m1.baseModel});
        const auto bare = model::TextModel::load(project.modelDir);
        const std::vector<std::vector<std::int64_t>> prompt{{5, 17, 40, 33, 12}}, completion{{21, 22, 23, 24}};
        const auto a = adapted.policy().scoreCompletions(prompt, completion)[0];
        const auto b = bare.policy().scoreCompletions(prompt, completion)[0];
        double gap = 0.0;
        for (std::size_t k = 0; k < a.size(); ++k)
            gap += std::abs(a[k] - b[k]);
        QVERIFY2(gap > 0.05, std::to_string(gap).c_str());

        // `rlrf eval FILE --iteration 2` loads M2, adapter and base.
        const auto r = test::runCli({QStringLiteral("eval"), QString::fromStdString(project.path),
                                     QStringLiteral("--iteration"), QStringLiteral("2"), QStringLiteral("--n"),
                                     QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("\"accuracy\""), r.out.constData());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestPipelineLora)
#include "tst_pipeline_lora.moc"
