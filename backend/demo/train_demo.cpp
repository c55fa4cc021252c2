// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/train_demo.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"
#include "model/bpe_trainer.h"
#include "model/chat_template.h"
#include "model/policy.h"
#include "model/policy_prompt.h"
#include "model/text_model.h"
#include "train/sft.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::demo {

namespace {

std::vector<std::string> tokenizerDocuments(const std::vector<DemoExample> &examples, std::size_t count)
{
    std::vector<std::string> docs;
    for (std::size_t i = 0; i < examples.size() && i < count; ++i) {
        std::string text;
        for (const auto &m : examples[i].messages)
            text += m.at("content").get<std::string>() + "\n";
        docs.push_back(text + examples[i].completion);
    }
    return docs;
}

// Tokenizer, chat template and random weights: the model SFT starts from.
void writeBaseModel(const DemoRecipe &recipe, const std::vector<DemoExample> &examples, const std::string &folder)
{
    model::BpeTrainingOptions options;
    options.vocabSize = recipe.vocabSize;
    options.specialTokens = demoSpecialTokens();
    options.splitDigits = true;
    const auto trained = model::trainByteLevelBpe(tokenizerDocuments(examples, recipe.tokenizerDocuments), options, folder);
    // The end-of-turn token is also the tokenizer's EOS (bpe_trainer makes the first
    // special token both BOS and EOS); the template needs no BOS.
    model::saveChatTemplate(folder, demoChatTemplate());
    const auto config = demoModelConfig(recipe, static_cast<std::int64_t>(trained.vocabSize), 0);
    model::Policy::initialize(config, recipe.initSeed).save(folder);
}

train::SftExample encode(const model::TextModel &model, const DemoExample &example, std::int64_t eos)
{
    train::SftExample e;
    e.promptIds = model::policyPromptIds(model, example.messages);
    e.answerIds = model.encode(example.completion);
    e.answerIds.push_back(eos);
    return e;
}

void copyModelFiles(const std::string &from, const std::string &to)
{
    fs::create_directories(to);
    for (const auto &entry : fs::directory_iterator(from))
        if (entry.is_regular_file())
            fs::copy_file(entry.path(), fs::path(to) / entry.path().filename(), fs::copy_options::overwrite_existing);
}

} // namespace

TrainDemoResult trainDemoModel(const DemoRecipe &recipe, const std::string &outFolder, const std::string &workFolder,
                               const RunContext &context, bool resume, const std::string &startFolder)
{
    const auto started = std::chrono::steady_clock::now();
    auto log = log::get("demo");
    TrainDemoResult result;
    try {
        const auto examples = makeDemoExamples(recipe.data);
        // A small run (a test, a quick look) holds out at most a tenth.
        const std::size_t heldOut = std::min(recipe.validationExamples, examples.size() / 10);
        if (examples.size() - heldOut < 2)
            throw Error("the recipe makes only " + std::to_string(examples.size()) + " examples");
        if (!recipe.startsFrom.empty() && startFolder.empty())
            throw Error("the " + recipe.name + " recipe fine-tunes the " + recipe.startsFrom +
                        " model: give its folder (resources/models/" + recipe.startsFrom + ")");
        const std::string base =
            recipe.startsFrom.empty() ? (fs::path(workFolder) / "base").string() : startFolder;
        if (recipe.startsFrom.empty() && (!resume || !fs::exists(fs::path(base) / "model.safetensors"))) {
            log->info("writing the tokenizer and the initial weights to {}", base);
            writeBaseModel(recipe, examples, base);
        }
        const auto model = model::TextModel::load(base);
        const std::int64_t eos = model.endOfTextId();
        train::SftData data;
        for (std::size_t i = 0; i < examples.size(); ++i)
            (i < heldOut ? data.validation : data.train).push_back(encode(model, examples[i], eos));
        std::size_t tokens = 0;
        for (const auto &e : data.train) tokens += e.promptIds.size() + e.answerIds.size();
        log->info("{} training examples ({} tokens, {:.0f} per example), {} for validation", data.train.size(), tokens,
                  double(tokens) / double(data.train.size()), data.validation.size());
        // Phase 1 from the random weights; with `resume`, a finished phase 1 is kept.
        const std::string phase1 = (fs::path(workFolder) / "sft").string();
        train::SftResult sft;
        if (resume && fs::exists(fs::path(phase1) / "final" / "model.safetensors")) {
            log->info("phase 1 already finished in {}", phase1);
            sft.outcome = Outcome::Succeeded;
            sft.modelFolder = (fs::path(phase1) / "final").string();
            sft.steps = recipe.sft.maxSteps;
        } else {
            sft = train::runSft(recipe.sft, model, data, phase1, context, resume);
        }
        std::int64_t steps = sft.steps;
        if (sft.outcome == Outcome::Succeeded && recipe.sft2.maxSteps > 0) {
            log->info("phase 2: {} more steps from {}", recipe.sft2.maxSteps, sft.modelFolder);
            const auto phase1Model = model::TextModel::load(sft.modelFolder);
            sft = train::runSft(recipe.sft2, phase1Model, data, (fs::path(workFolder) / "sft2").string(), context, resume);
            steps += sft.steps;
        }
        result.outcome = sft.outcome;
        result.message = sft.message;
        result.examples = data.train.size();
        result.steps = steps;
        result.finalLoss = sft.finalLoss;
        result.finalEvalLoss = sft.finalEvalLoss;
        if (sft.outcome == Outcome::Succeeded) {
            copyModelFiles(sft.modelFolder, outFolder);
            json::writeFileAtomically((fs::path(outFolder) / "recipe.json").string(), toJson(recipe).dump(2) + "\n");
            result.modelFolder = outFolder;
        }
    } catch (const std::exception &e) {
        result.outcome = Outcome::Failed;
        result.message = e.what();
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace rlrf::demo
