// SPDX-License-Identifier: GPL-3.0-or-later
#include "teaching/walkthrough.h"

#include "core/error.h"
#include "core/logging.h"
#include "feedback/judge_factory.h"
#include "model/batched_generation.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "pipeline/pairs/pair_rules.h"
#include "train/dpo_trainer.h"
#include "types/critique_text.h"
#include "types/metric_names.h"
#include "types/prompt_formats.h"

#include <numeric>
#include <tuple>
#include <utility>

namespace rlrf::teaching {

struct Walkthrough::Models {
    model::TextModel policy;
    std::unique_ptr<feedback::Judge> judge;
};

const char *toString(Stage stage)
{
    switch (stage) {
    case Stage::Start: return "start";
    case Stage::Sampled: return "sampled";
    case Stage::Critiqued: return "critiqued";
    case Stage::Refined: return "refined";
    case Stage::Paired: return "paired";
    case Stage::Trained: return "trained";
    }
    return "unknown";
}

Walkthrough::Walkthrough(WalkthroughOptions options, std::string prompt, feedback::Rubric rubric)
    : m_options(std::move(options)), m_prompt(std::move(prompt)), m_rubric(std::move(rubric))
{
    if (m_options.samples < 2)
        throw Error("a walkthrough samples at least two answers", {"", 0, "samples"});
    if (m_prompt.empty())
        throw Error("a walkthrough needs a prompt", {"", 0, "prompt"});
}

Walkthrough::~Walkthrough() = default;

void Walkthrough::next(const RunContext &context)
{
    switch (m_stage) {
    case Stage::Start: sample(context); m_stage = Stage::Sampled; break;
    case Stage::Sampled: critique(); m_stage = Stage::Critiqued; break;
    case Stage::Critiqued: refine(context); m_stage = Stage::Refined; break;
    case Stage::Refined: pair(); m_stage = Stage::Paired; break;
    case Stage::Paired: train(context); m_stage = Stage::Trained; break;
    case Stage::Trained: throw Error("the walkthrough is complete; start again with another prompt");
    }
}

namespace {

// The pipeline's own generation helper (the sample and refine stages run on it),
// for the walkthrough's one prompt. A stop request leaves the step undone.
std::vector<model::TextSample> generateFor(const model::TextModel &model, std::vector<std::int64_t> promptIds,
                                           const model::GenerationOptions &options, const RunContext &context)
{
    auto samples = model::generateOneBatch(model, {std::move(promptIds)}, options, &context.cancel);
    if (!samples)
        throw Error("stopped before the step finished; run the step again");
    return std::move(*samples);
}

} // namespace

void Walkthrough::sample(const RunContext &context)
{
    if (!m_models)
        m_models = std::make_unique<Models>(
            Models{model::TextModel::load(m_options.modelFolder), feedback::makeJudge(m_options.judgeSpec)});
    model::GenerationOptions options;
    options.maxNewTokens = m_options.maxNewTokens;
    options.sampling.temperature = m_options.temperature;
    options.seed = m_options.seed;
    options.numSamples = m_options.samples;
    const auto ids = model::policyPromptIds(m_models->policy, prompts::answerMessages(m_prompt));
    for (const auto &sample : generateFor(m_models->policy, ids, options, context))
        m_answers.push_back({sample.text, std::nullopt, false});
}

void Walkthrough::critique()
{
    for (auto &answer : m_answers)
        answer.critique = m_models->judge->judge({m_prompt, answer.text, std::nullopt}, m_rubric);
}

std::string Walkthrough::refinementFeedback() const
{
    if (m_stage < Stage::Critiqued || !m_answers[m_refinedFrom].critique)
        return {};
    return feedback::refinementFeedback(*m_answers[m_refinedFrom].critique);
}

void Walkthrough::refine(const RunContext &context)
{
    // The weakest answer is the one worth refining (the paper refines the best;
    // with a tiny model the weakest shows the feedback at work more clearly).
    for (std::size_t i = 1; i < m_answers.size(); ++i)
        if (m_answers[i].critique->overall < m_answers[m_refinedFrom].critique->overall)
            m_refinedFrom = i;
    const auto &source = m_answers[m_refinedFrom];
    model::GenerationOptions options;
    options.maxNewTokens = m_options.maxNewTokens;
    options.sampling.temperature = m_options.temperature;
    options.seed = m_options.seed + 1;
    const auto ids = model::policyPromptIds(
        m_models->policy, prompts::refinementMessages(m_prompt, source.text, refinementFeedback()));
    const auto samples = generateFor(m_models->policy, ids, options, context);
    JudgedAnswer refined{samples.front().text, std::nullopt, true};
    refined.critique = m_models->judge->judge({m_prompt, refined.text, std::nullopt}, m_rubric);
    m_answers.push_back(std::move(refined));
}

void Walkthrough::pair()
{
    // The pipeline's own best-against-worst rule (ties keep the earlier answer),
    // with no minimum gap: the class sees the step even on a close call.
    std::vector<pipeline::RatedCandidate> pool;
    for (std::size_t i = 0; i < m_answers.size(); ++i)
        pool.push_back({static_cast<std::int64_t>(i), static_cast<std::int64_t>(i), std::nullopt,
                        m_answers[i].critique->overall, std::nullopt, m_answers[i].critique->aspects});
    pipeline::PairRuleOptions options;
    options.rules = {"best_worst"};
    options.delta = 0.0;
    options.maxPairs = 1;
    const auto pairs = pipeline::proposePairs(pool, options);
    if (!pairs.empty() && pairs.front().chosenCandidateId != pairs.front().rejectedCandidateId) {
        m_chosen = static_cast<std::size_t>(pairs.front().chosenCandidateId);
        m_rejected = static_cast<std::size_t>(pairs.front().rejectedCandidateId);
        return;
    }
    m_chosen = 0; // all rated alike: still a pair to show the step on
    m_rejected = 1;
}

namespace {

double total(const std::vector<float> &values)
{
    return std::accumulate(values.begin(), values.end(), 0.0);
}

} // namespace

void Walkthrough::train(const RunContext &context)
{
    const auto &policy = m_models->policy;
    auto completion = [&](const std::string &text) {
        auto ids = policy.encode(text);
        const auto stops = policy.stopIds();
        if (!stops.empty())
            ids.push_back(stops.front());
        return ids;
    };
    train::DpoPair pair{model::policyPromptIds(policy, prompts::answerMessages(m_prompt)),
                        completion(m_answers[*m_chosen].text), completion(m_answers[*m_rejected].text)};
    auto score = [&](const model::Policy &p) {
        const auto values = p.scoreCompletions({pair.prompt, pair.prompt}, {pair.chosen, pair.rejected});
        return std::make_pair(total(values[0]), total(values[1]));
    };
    PairLogProbs result;
    std::tie(result.chosenBefore, result.rejectedBefore) = score(policy.policy());
    train::DpoConfig config;
    config.beta = m_options.beta;
    config.learningRate = m_options.learningRate;
    config.schedule = "constant";
    config.warmupRatio = 0.0; // one step: a warm-up would make its learning rate zero
    config.batchSize = 1;
    config.epochs = 1;
    // The loaded policy is its own frozen reference, as in a run's DPO: every
    // reference log-prob is taken before the step (train::policyServesAsReference).
    const auto run = train::trainDpo(config, policy.policy(), policy.policy(), m_options.modelFolder, {pair},
                                     m_options.outputFolder, context);
    if (run.outcome != Outcome::Succeeded)
        throw Error("the DPO step did not finish: " + run.message);
    result.loss = run.metrics.at(metrics::kDpoLoss);
    std::tie(result.chosenAfter, result.rejectedAfter) = score(policy.policy());
    m_logProbs = result;
    log::get("teaching")->info("one DPO step: chosen {:.3f} -> {:.3f}, rejected {:.3f} -> {:.3f}", result.chosenBefore,
                               result.chosenAfter, result.rejectedBefore, result.rejectedAfter);
}

} // namespace rlrf::teaching
