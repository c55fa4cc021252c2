// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-level BPE training and the files it writes (see bpe_trainer.h). The
// pre-tokenizer is built from the same JSON that goes into tokenizer.json, so
// training and encoding split text identically.
#include "model/bpe_trainer.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/jsonl_reader.h"
#include "core/logging.h"
#include "model/tokenizer/bpe_training.h"
#include "model/tokenizer/pre_tokenizer.h"
#include "model/tokenizer/utf8.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace rlrf::model {

namespace {

const nlohmann::ordered_json kByteLevel = {
    {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};

// Qwen2's pre-tokenizer pattern: like GPT-2's, but \p{N} matches one digit.
const char *const kDigitSplitPattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

nlohmann::ordered_json preTokenizerJson(bool splitDigits)
{
    if (!splitDigits)
        return kByteLevel;
    nlohmann::ordered_json split = {{"type", "Split"}, {"pattern", {{"Regex", kDigitSplitPattern}}},
                                    {"behavior", "Isolated"}, {"invert", false}};
    nlohmann::ordered_json byteLevel = kByteLevel;
    byteLevel["use_regex"] = false;
    return {{"type", "Sequence"}, {"pretokenizers", {split, byteLevel}}};
}

nlohmann::ordered_json addedTokenJson(std::int32_t id, const std::string &content)
{
    return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", true}};
}

nlohmann::ordered_json tokenizerJson(const detail::LearnedBpe &bpe, const std::vector<std::string> &specials,
                                     bool splitDigits)
{
    nlohmann::ordered_json added = nlohmann::ordered_json::array();
    nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < specials.size(); ++i) {
        added.push_back(addedTokenJson(std::int32_t(i), specials[i]));
        vocab[specials[i]] = i;
    }
    for (std::size_t i = 0; i < bpe.vocab.size(); ++i)
        vocab[bpe.vocab[i]] = specials.size() + i;
    nlohmann::ordered_json merges = nlohmann::ordered_json::array();
    for (const auto &[l, r] : bpe.merges)
        merges.push_back({l, r});
    nlohmann::ordered_json root;
    root["version"] = "1.0";
    root["truncation"] = nullptr;
    root["padding"] = nullptr;
    root["added_tokens"] = added;
    root["normalizer"] = nullptr;
    root["pre_tokenizer"] = preTokenizerJson(splitDigits);
    root["post_processor"] = kByteLevel;
    root["decoder"] = kByteLevel;
    root["model"] = {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr},
                     {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr},
                     {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
                     {"vocab", vocab}, {"merges", merges}};
    return root;
}

nlohmann::ordered_json tokenizerConfigJson(const std::vector<std::string> &specials)
{
    nlohmann::ordered_json config;
    nlohmann::ordered_json decoderMap = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < specials.size(); ++i) {
        auto t = addedTokenJson(std::int32_t(i), specials[i]);
        t.erase("id");
        decoderMap[std::to_string(i)] = t;
    }
    config["added_tokens_decoder"] = decoderMap;
    if (!specials.empty()) {
        config["bos_token"] = specials.front();
        config["eos_token"] = specials.front();
    }
    config["clean_up_tokenization_spaces"] = false;
    config["model_max_length"] = 1 << 20;
    config["tokenizer_class"] = "PreTrainedTokenizerFast";
    return config;
}

std::unordered_map<std::string, std::int64_t> countWords(const std::vector<std::string> &documents, bool splitDigits)
{
    const auto preTokenizer = detail::makePreTokenizer(nlohmann::json(preTokenizerJson(splitDigits)), "<training>");
    std::unordered_map<std::string, std::int64_t> counts;
    std::vector<std::string> pieces;
    for (const std::string &doc : documents) {
        pieces.assign(1, doc);
        preTokenizer->apply(pieces, 0);
        for (std::string &p : pieces)
            ++counts[std::move(p)];
    }
    return counts;
}

} // namespace

std::vector<std::string> readTrainingDocuments(const std::string &path)
{
    std::vector<std::string> docs;
    if (path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0) {
        jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
            if (!record.is_object() || !record.contains("text") || !record["text"].is_string())
                throw Error("expected an object with a \"text\" string", {path, line, "text"});
            docs.push_back(record["text"].get<std::string>());
        });
        return docs;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open file for reading", {path, 0, {}});
    std::string line;
    for (long number = 1; std::getline(in, line); ++number) {
        if (!detail::isValidUtf8(line))
            throw Error("the line is not valid UTF-8 text (a tokenizer is trained on UTF-8)", {path, number, {}});
        docs.push_back(line + "\n");
    }
    return docs;
}

BpeTrainingResult trainByteLevelBpe(const std::vector<std::string> &documents, const BpeTrainingOptions &options,
                                    const std::string &outDir, const RunContext &ctx)
{
    const std::size_t base = options.specialTokens.size() + 256;
    if (options.vocabSize <= base)
        throw Error("the vocabulary size must exceed " + std::to_string(base)
                    + " (special tokens + 256 bytes), got " + std::to_string(options.vocabSize));
    for (std::size_t i = 0; i < documents.size(); ++i)
        if (!detail::isValidUtf8(documents[i]))
            throw Error("training document " + std::to_string(i + 1) + " of " + std::to_string(documents.size())
                        + " is not valid UTF-8");
    const auto counts = countWords(documents, options.splitDigits);
    const auto bpe = detail::learnBpe(counts, options.vocabSize - options.specialTokens.size(), options.minFrequency, ctx);
    BpeTrainingResult result;
    result.wordCount = counts.size();
    if (bpe.cancelled) {
        result.outcome = Outcome::Cancelled;
        return result;
    }
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) throw Error("cannot create the folder: " + ec.message(), {outDir, 0, {}});
    json::writeFileAtomically(outDir + "/tokenizer.json", tokenizerJson(bpe, options.specialTokens, options.splitDigits).dump(1) + "\n");
    json::writeFileAtomically(outDir + "/tokenizer_config.json", tokenizerConfigJson(options.specialTokens).dump(2) + "\n");
    result.vocabSize = bpe.vocab.size() + options.specialTokens.size();
    result.mergeCount = bpe.merges.size();
    log::get("tokenizer")->info("trained {} merges, vocabulary {} ({} distinct words)", result.mergeCount,
                                result.vocabSize, result.wordCount);
    return result;
}

} // namespace rlrf::model
