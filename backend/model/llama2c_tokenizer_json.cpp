// SPDX-License-Identifier: GPL-3.0-or-later
// Merge derivation as transformers' SentencePieceExtractor does it for BPE models:
// every way of writing a token as two shorter tokens is a merge, ranked by the
// merged token's score (llama2.c's encode_bpe picks the best-scoring pair each step).
#include "model/llama2c_tokenizer_json.h"

#include "core/error.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace rlrf::model {

namespace {

const std::string kMetaspace = "\xE2\x96\x81"; // U+2581 LOWER ONE EIGHTH BLOCK

// llama2.c writes the specials with newlines around them ("\n<s>\n").
const char *const kSpecials[] = {"<unk>", "<s>", "</s>"};

bool isByteToken(const std::string &piece)
{
    return piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>';
}

std::string toMetaspace(const std::string &piece)
{
    std::string out;
    for (const char c : piece)
        out += c == ' ' ? kMetaspace : std::string(1, c);
    return out;
}

bool isUtf8Boundary(const std::string &s, size_t i)
{
    return i == 0 || i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

nlohmann::json specialToken(std::int64_t id, const std::string &content)
{
    return {{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", true}};
}

nlohmann::json postProcessor()
{
    auto bos = nlohmann::json{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
    auto seq = [](const char *id, int type) { return nlohmann::json{{"Sequence", {{"id", id}, {"type_id", type}}}}; };
    return {{"type", "TemplateProcessing"},
            {"single", {bos, seq("A", 0)}},
            {"pair", {bos, seq("A", 0), {{"SpecialToken", {{"id", "<s>"}, {"type_id", 1}}}}, seq("B", 1)}},
            {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
}

} // namespace

nlohmann::json llama2cTokenizerJson(const Llama2cVocabulary &vocab)
{
    std::vector<std::string> pieces;
    std::map<std::string, std::int64_t> ids;
    for (size_t i = 0; i < vocab.pieces.size(); ++i) {
        const std::string piece = i < 3 ? kSpecials[i] : toMetaspace(vocab.pieces[i]);
        if (!ids.emplace(piece, static_cast<std::int64_t>(i)).second)
            throw Error("tokens " + std::to_string(ids[piece]) + " and " + std::to_string(i) + " have the same text",
                        {"", 0, piece});
        pieces.push_back(piece);
    }
    // (score of the merged token, its id, left id) -> "left right"
    std::vector<std::tuple<float, std::int64_t, std::int64_t, std::string>> merges;
    for (size_t id = 3; id < pieces.size(); ++id) {
        const auto &piece = pieces[id];
        if (isByteToken(piece))
            continue;
        for (size_t cut = 1; cut < piece.size(); ++cut) {
            if (!isUtf8Boundary(piece, cut))
                continue;
            const auto left = ids.find(piece.substr(0, cut));
            const auto right = ids.find(piece.substr(cut));
            if (left == ids.end() || right == ids.end() || left->second < 3 || right->second < 3)
                continue;
            merges.emplace_back(-vocab.scores[id], std::int64_t(id), left->second, left->first + " " + right->first);
        }
    }
    std::sort(merges.begin(), merges.end());
    nlohmann::json mergeList = nlohmann::json::array();
    for (const auto &m : merges)
        mergeList.push_back(std::get<3>(m));
    nlohmann::json vocabJson = nlohmann::json::object();
    for (size_t i = 0; i < pieces.size(); ++i)
        vocabJson[pieces[i]] = i;

    nlohmann::json metaspace = {{"type", "Metaspace"}, {"replacement", kMetaspace}, {"prepend_scheme", "first"},
                                {"split", false}};
    nlohmann::json decoder = {
        {"type", "Sequence"},
        {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", kMetaspace}}}, {"content", " "}},
                      {{"type", "ByteFallback"}},
                      {{"type", "Fuse"}},
                      {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
    return {{"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", {specialToken(0, "<unk>"), specialToken(1, "<s>"), specialToken(2, "</s>")}},
            {"normalizer", nullptr},
            {"pre_tokenizer", metaspace},
            {"post_processor", postProcessor()},
            {"decoder", decoder},
            {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", "<unk>"},
                       {"continuing_subword_prefix", nullptr}, {"end_of_word_suffix", nullptr},
                       {"fuse_unk", true}, {"byte_fallback", true}, {"ignore_merges", false},
                       {"vocab", vocabJson}, {"merges", mergeList}}}};
}

nlohmann::json llama2cTokenizerConfigJson(std::int64_t maxLength)
{
    return {{"tokenizer_class", "LlamaTokenizerFast"}, {"bos_token", "<s>"}, {"eos_token", "</s>"},
            {"unk_token", "<unk>"}, {"pad_token", nullptr}, {"add_bos_token", true}, {"add_eos_token", false},
            {"model_max_length", maxLength}, {"clean_up_tokenization_spaces", false}, {"legacy", false}};
}

} // namespace rlrf::model
