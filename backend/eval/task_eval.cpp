// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/task_eval.h"

#include "model/batched_generation.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"

#include <algorithm>
#include <chrono>

namespace rlrf::eval {

namespace {

using IdList = std::vector<std::vector<std::int64_t>>;

model::GenerationOptions generationOptions(const TaskEvalOptions &options, std::int64_t samples, double temperature)
{
    model::GenerationOptions g;
    g.maxNewTokens = options.maxNewTokens;
    g.sampling.temperature = temperature;
    g.seed = options.seed;
    g.numSamples = samples;
    return g;
}

// Generates for all prompts in batches; returns texts in prompt order (samples of
// one prompt together). Empty when cancelled.
std::vector<std::string> generateAll(const model::TextModel &model, const IdList &prompts,
                                     model::GenerationOptions g, std::size_t batchSize, const RunContext &context,
                                     const std::string &stage)
{
    std::vector<std::string> texts;
    model::BatchSettings batches;
    batches.promptsPerBatch = std::max<std::size_t>(1, batchSize / static_cast<std::size_t>(g.numSamples));
    const std::uint64_t seed = g.seed;
    batches.seedOfBatch = [seed](std::size_t first) { return seed + first; }; // the same for the same inputs
    const bool finished = model::generateInBatches(
        model, prompts.size(), [&prompts](std::size_t i) { return prompts[i]; }, g, batches, &context.cancel,
        [&](std::size_t first, const IdList &batch, std::vector<model::TextSample> samples) {
            for (auto &s : samples) texts.push_back(std::move(s.text));
            context.progress(static_cast<std::int64_t>(first + batch.size()), static_cast<std::int64_t>(prompts.size()),
                             stage);
        });
    return finished ? texts : std::vector<std::string>{};
}

IdList answerPrompts(const model::TextModel &model, const std::vector<tasks::Problem> &problems)
{
    IdList ids;
    ids.reserve(problems.size());
    for (const auto &p : problems)
        ids.push_back(model::policyPromptIds(model, prompts::answerMessages(p.prompt)));
    return ids;
}

std::vector<tasks::Problem> drawProblems(const tasks::Task &task, const TaskEvalOptions &options)
{
    return task.problems(tasks::parseSplit(options.split), options.n, options.seed);
}

} // namespace

TaskEvalResult evaluateOnTask(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                              const RunContext &context)
{
    const auto started = std::chrono::steady_clock::now();
    const auto problems = drawProblems(task, options);
    const auto texts = generateAll(model, answerPrompts(model, problems), generationOptions(options, 1, options.temperature),
                                   options.batchSize, context, "eval");
    TaskEvalResult result;
    result.cancelled = texts.size() != problems.size();
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const bool ok = task.verify(problems[i], texts[i]).correct;
        result.items.push_back({problems[i].id, problems[i].prompt, texts[i], ok});
        result.correct += ok ? 1 : 0;
    }
    result.n = result.items.size();
    result.accuracy = result.n ? double(result.correct) / double(result.n) : 0.0;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

SpreadResult samplingSpread(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                            std::size_t samples, const RunContext &context)
{
    const auto problems = drawProblems(task, options);
    const auto texts = generateAll(model, answerPrompts(model, problems),
                                   generationOptions(options, static_cast<std::int64_t>(samples), options.temperature),
                                   options.batchSize, context, "spread");
    SpreadResult r;
    r.samplesPerProblem = samples;
    if (texts.size() != problems.size() * samples) return r;
    r.problems = problems.size();
    std::size_t right = 0, mixed = 0, allRight = 0, allWrong = 0;
    for (std::size_t p = 0; p < problems.size(); ++p) {
        std::size_t ok = 0;
        for (std::size_t s = 0; s < samples; ++s)
            ok += task.verify(problems[p], texts[p * samples + s]).correct ? 1 : 0;
        right += ok;
        mixed += (ok > 0 && ok < samples) ? 1 : 0;
        allRight += ok == samples ? 1 : 0;
        allWrong += ok == 0 ? 1 : 0;
    }
    const double n = double(std::max<std::size_t>(1, r.problems));
    r.sampleAccuracy = double(right) / (n * double(samples));
    r.mixedShare = double(mixed) / n;
    r.allRightShare = double(allRight) / n;
    r.allWrongShare = double(allWrong) / n;
    return r;
}

RefinementYield refinementYield(const model::TextModel &model, const tasks::Task &task, const TaskEvalOptions &options,
                                const FeedbackFunction &feedback, const RunContext &context)
{
    const auto problems = drawProblems(task, options);
    const auto texts = generateAll(model, answerPrompts(model, problems), generationOptions(options, 1, options.temperature),
                                   options.batchSize, context, "attempt");
    RefinementYield y;
    if (texts.size() != problems.size()) return y;
    y.attempts = problems.size();
    std::vector<std::size_t> wrong;
    IdList refinePrompts;
    for (std::size_t i = 0; i < problems.size(); ++i) {
        if (task.verify(problems[i], texts[i]).correct) continue;
        wrong.push_back(i);
        refinePrompts.push_back(model::policyPromptIds(
            model, prompts::refinementMessages(problems[i].prompt, texts[i], feedback(problems[i], texts[i]))));
    }
    y.wrong = wrong.size();
    const auto refined = generateAll(model, refinePrompts, generationOptions(options, 1, 0.0), options.batchSize,
                                     context, "refine");
    for (std::size_t k = 0; k < refined.size(); ++k)
        y.fixed += task.verify(problems[wrong[k]], refined[k]).correct ? 1 : 0;
    y.fixRate = y.wrong ? double(y.fixed) / double(y.wrong) : 0.0;
    return y;
}

} // namespace rlrf::eval
