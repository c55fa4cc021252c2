// SPDX-License-Identifier: GPL-3.0-or-later
// The sample stage on stories260K: with greedy_candidate (the default) one of the
// n answers of each prompt is the greedy answer — the text the model gives at
// temperature 0, which is what evaluation scores — stored with temperature 0; the
// other n - 1 are sampled at the run's temperature. Without it all n are sampled.
#include "common/pipeline_fixture.h"

#include "model/policy_prompt.h"
#include "pipeline/sample/sample_stage.h"
#include "store/candidate_repository.h"
#include "store/prompt_repository.h"
#include "types/prompt_formats.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using namespace rlrf;

class TestSampleStage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneCandidateIsTheGreedyAnswer_data()
    {
        QTest::addColumn<bool>("greedy");
        QTest::newRow("greedy candidate") << true;
        QTest::newRow("all sampled") << false;
    }

    void oneCandidateIsTheGreedyAnswer()
    {
        QFETCH(bool, greedy);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto fixture = test::makePipelineProject(dir.path(), QStringLiteral("sample"), 3, 0);
        auto options = test::tinyOptions();
        options.samples = 3;
        options.maxNewTokens = 12;
        options.greedyCandidate = greedy;
        const auto setup = test::makeStageSetup(fixture, options);
        auto &project = setup->project;
        const auto &model = setup->model;
        const auto env = setup->env();

        std::vector<std::int64_t> ids;
        std::vector<std::vector<std::int64_t>> inputs;
        for (const auto &p : store::PromptRepository(project.db()).page({0, 10, "id", false, std::nullopt})) {
            ids.push_back(p.id);
            inputs.push_back(model::policyPromptIds(model, prompts::answerMessages(p.text)));
        }
        QCOMPARE(pipeline::runSampleStage(env, ids, options.samples), Outcome::Succeeded);

        model::GenerationOptions g;
        g.maxNewTokens = options.maxNewTokens;
        g.sampling.temperature = 0.0;
        const auto reference = model.generate(inputs, g);
        QCOMPARE(reference.size(), ids.size());
        store::CandidateRepository candidates(project.db());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const auto stored = candidates.forPrompt(ids[i]);
            QCOMPARE(stored.size(), std::size_t(3));
            int greedyCount = 0;
            for (const auto &c : stored) {
                const auto params = nlohmann::json::parse(c.samplingParamsJson);
                if (params.at("temperature").get<double>() == 0.0) {
                    ++greedyCount;
                    QCOMPARE(c.text, reference[i].text);
                } else {
                    QCOMPARE(params.at("temperature").get<double>(), options.temperature);
                    QCOMPARE(params.at("n").get<int>(), greedy ? 2 : 3);
                }
            }
            QCOMPARE(greedyCount, greedy ? 1 : 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestSampleStage)
#include "tst_sample_stage.moc"
