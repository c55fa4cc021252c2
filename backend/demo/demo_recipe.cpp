// SPDX-License-Identifier: GPL-3.0-or-later
#include "demo/demo_recipe.h"

#include "core/error.h"

namespace rlrf::demo {

train::SftConfig DemoRecipe::defaultSftConfig()
{
    train::SftConfig c;
    // A model this small trains fastest with a large peak rate; the cosine decay
    // to a tenth settles it.
    c.learningRate = 3e-3;
    c.schedule = train::ScheduleKind::Cosine;
    c.minLearningRateRatio = 0.1;
    c.warmupSteps = 60;
    c.maxSteps = 900;
    c.batchSize = 24;
    c.maxGradNorm = 1.0;
    c.weightDecay = 0.01;
    c.beta2 = 0.98;
    c.seed = 11;
    c.checkpointEvery = 150;
    return c;
}

train::SftConfig DemoRecipe::secondPhaseConfig()
{
    train::SftConfig c = defaultSftConfig();
    // The first phase ends with the digits still shaky (about a quarter of the
    // test problems right); another pass at a third of the peak rate, with less
    // padding per step, settles the arithmetic.
    c.learningRate = 1e-3;
    c.warmupSteps = 20;
    c.maxSteps = 450;
    c.groupByLength = true;
    c.seed = 23;
    return c;
}

namespace {

DemoRecipe reflectDemoRecipe()
{
    DemoRecipe r;
    r.name = "arith-reflect-demo";
    r.startsFrom = "arith-demo";
    // Reflections and retries dominate the mix; answers and refinements stay so
    // that the first try and RLRF's refinement are not forgotten.
    r.data.answers = 4000;
    r.data.refinements = 1500;
    r.data.reflections = 6000;
    // Following the reflection is the retry's one skill, and a few tokens per
    // example: at 400 steps without these a perfect reflection led to a right
    // retry in only 3 of 10 failures.
    r.data.extraRetries = 8000;
    r.data.seed = 2;
    r.data.reflectionForm = ReflectionForm::Worked;
    r.data.retryForm = RetryForm::AnswerLine;
    train::SftConfig c = DemoRecipe::defaultSftConfig();
    c.learningRate = 5e-4;
    c.warmupSteps = 20;
    c.maxSteps = 700;
    c.seed = 13;
    c.checkpointEvery = 100;
    r.sft = c;
    r.sft2.maxSteps = 0;
    return r;
}

DemoRecipe countdownDemoRecipe()
{
    DemoRecipe r;
    r.name = "countdown-demo";
    // The tokenizer splits digits, and arith-demo already writes "a op b = c":
    // a start that knows numbers and operators.
    r.startsFrom = "arith-demo";
    r.data.taskKind = DemoTask::Countdown;
    r.data.answers = 16000;
    r.data.refinements = 0;
    r.data.reflections = 12000;
    r.data.extraRetries = 4000;
    r.data.seed = 3;
    train::SftConfig c = DemoRecipe::defaultSftConfig();
    c.learningRate = 1e-3;
    c.warmupSteps = 30;
    c.maxSteps = 1800;
    c.seed = 17;
    c.checkpointEvery = 150;
    r.sft = c;
    r.sft2.maxSteps = 0;
    return r;
}

} // namespace

const std::vector<std::string> &demoRecipeNames()
{
    static const std::vector<std::string> names{"arith-demo", "arith-reflect-demo", "countdown-demo"};
    return names;
}

DemoRecipe demoRecipe(const std::string &name)
{
    if (name == "arith-demo")
        return DemoRecipe{};
    if (name == "arith-reflect-demo")
        return reflectDemoRecipe();
    if (name == "countdown-demo")
        return countdownDemoRecipe();
    throw Error("unknown demo recipe '" + name + "': choose arith-demo, arith-reflect-demo or countdown-demo");
}

const std::vector<std::string> &demoSpecialTokens()
{
    static const std::vector<std::string> tokens{"<|end|>", "<|user|>", "<|assistant|>"};
    return tokens;
}

const std::string &demoChatTemplate()
{
    static const std::string source =
        "{%- for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}<|end|>\n"
        "{% endfor %}{%- if add_generation_prompt %}<|assistant|>\n{% endif %}";
    return source;
}

model::ModelConfig demoModelConfig(const DemoRecipe &recipe, std::int64_t vocabSize, std::int64_t eosId)
{
    model::ModelConfig c;
    c.architecture = "LlamaForCausalLM";
    c.modelType = "llama";
    c.vocabSize = vocabSize;
    c.hiddenSize = recipe.hiddenSize;
    c.intermediateSize = recipe.intermediateSize;
    c.numLayers = recipe.numLayers;
    c.numHeads = recipe.numHeads;
    c.numKvHeads = recipe.numKvHeads;
    c.headDim = recipe.hiddenSize / recipe.numHeads;
    c.maxPositionEmbeddings = recipe.maxPositions;
    c.ropeTheta = 10000.0;
    c.rmsNormEps = 1e-5;
    c.tieWordEmbeddings = true;
    c.torchDtype = "float32";
    c.eosTokenIds = {eosId};
    c.padTokenId = eosId;
    return c;
}

nlohmann::json toJson(const DemoRecipe &recipe)
{
    nlohmann::json json = {{"data", toJson(recipe.data)},
            {"tokenizer", {{"vocab_size", recipe.vocabSize}, {"documents", recipe.tokenizerDocuments},
                           {"split_digits", true}}},
            {"model", {{"hidden_size", recipe.hiddenSize}, {"intermediate_size", recipe.intermediateSize},
                       {"num_layers", recipe.numLayers}, {"num_heads", recipe.numHeads},
                       {"num_kv_heads", recipe.numKvHeads}, {"max_positions", recipe.maxPositions},
                       {"init_seed", recipe.initSeed}}},
            {"validation_examples", recipe.validationExamples},
            {"sft", train::toJson(recipe.sft)},
            {"sft_phase2", train::toJson(recipe.sft2)}};
    // Named only off the first recipe, whose recipe.json predates the names.
    if (recipe.name != "arith-demo")
        json["name"] = recipe.name;
    if (!recipe.startsFrom.empty()) {
        json["starts_from"] = recipe.startsFrom;
        // The tokenizer and architecture are the start model's, not these.
        json.erase("tokenizer");
        json.erase("model");
        json.erase("sft_phase2");
    }
    return json;
}

} // namespace rlrf::demo
