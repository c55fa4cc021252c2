// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/reference_logprobs.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"
#include "model/ordered_jobs.h"
#include "model/policy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>

namespace fs = std::filesystem;

namespace rlrf::train {

std::string fnv1aHex(const std::string &bytes)
{
    std::uint64_t hash = 14695981039346656037ull;
    for (const unsigned char byte : bytes) {
        hash ^= byte;
        hash *= 1099511628211ull;
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

namespace {

constexpr std::size_t kSampledBytes = 64 * 1024;

// The first and last bytes of a file: the safetensors header (names, shapes, dtypes)
// and the tail of the last tensor, without reading gigabytes.
std::string headAndTail(const fs::path &file, std::uintmax_t size)
{
    std::ifstream in(file, std::ios::binary);
    std::string head(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kSampledBytes)), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::string tail(head.size(), '\0');
    in.seekg(static_cast<std::streamoff>(size - tail.size()));
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    if (!in)
        throw Error("cannot read", {file.string()});
    return head + tail;
}

std::string idsText(const std::vector<std::int64_t> &ids)
{
    std::string text;
    for (const auto id : ids)
        text += std::to_string(id) + ",";
    return text;
}

} // namespace

std::string referenceModelIdentity(const std::string &folder, const std::string &dtype)
{
    std::string identity = "config:" + fnv1aHex(json::readTextFile((fs::path(folder) / "config.json").string()));
    std::vector<fs::path> files;
    for (const auto &entry : fs::directory_iterator(folder))
        if (entry.path().extension() == ".safetensors")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto &file : files) {
        const auto size = fs::file_size(file);
        const auto mtime = fs::last_write_time(file).time_since_epoch().count();
        identity += ";" + file.filename().string() + ":" + std::to_string(size) + ":" + std::to_string(mtime) + ":"
                    + fnv1aHex(headAndTail(file, size));
    }
    return identity + ";dtype:" + dtype;
}

std::string pairKey(const DpoPair &pair)
{
    return fnv1aHex("p:" + idsText(pair.prompt) + "c:" + idsText(pair.chosen) + "r:" + idsText(pair.rejected));
}

namespace {

nlohmann::json readCache(const fs::path &file, const std::string &identity)
{
    if (!fs::exists(file))
        return nlohmann::json::object();
    const auto cache = json::readFile(file.string());
    if (!cache.is_object() || !cache.contains("pairs") || !cache["pairs"].is_object())
        throw Error("not a reference log-prob cache (delete it to recompute)", {file.string(), 0, "pairs"});
    if (cache.value("model", std::string()) != identity)
        return nlohmann::json::object(); // a hash collision of identities: start afresh
    return cache["pairs"];
}

void computeMissing(const model::Policy &reference, const std::vector<DpoPair> &pairs,
                    const std::vector<std::size_t> &missing, std::size_t batchSize, nlohmann::json &entries)
{
    // Batches score side by side on a CPU (model/ordered_jobs.h); the entries
    // are filled in batch order on this thread.
    std::size_t start = 0;
    model::runJobsInOrder(model::concurrentBatches(reference.device()), [&]() -> std::optional<model::Job> {
        if (start >= missing.size())
            return std::nullopt;
        const auto first = start, end = std::min(missing.size(), start + batchSize);
        start = end;
        return model::Job([&, first, end]() -> model::JobFinish {
            std::vector<std::vector<std::int64_t>> prompts, completions;
            for (std::size_t i = first; i < end; ++i) {
                const auto &pair = pairs[missing[i]];
                prompts.push_back(pair.prompt);
                completions.push_back(pair.chosen);
                prompts.push_back(pair.prompt);
                completions.push_back(pair.rejected);
            }
            auto rows = std::make_shared<std::vector<std::vector<float>>>(reference.scoreCompletions(prompts, completions));
            return [&, rows, first, end] {
                for (std::size_t i = first; i < end; ++i) {
                    const auto &c = (*rows)[2 * (i - first)];
                    const auto &r = (*rows)[2 * (i - first) + 1];
                    entries[pairKey(pairs[missing[i]])] = {std::accumulate(c.begin(), c.end(), 0.0),
                                                           std::accumulate(r.begin(), r.end(), 0.0)};
                }
                return true;
            };
        });
    });
}

} // namespace

ReferenceLogProbs referenceLogProbs(const model::Policy &reference, const std::string &modelIdentity,
                                    const std::vector<DpoPair> &pairs, const std::string &cacheDir,
                                    std::size_t batchSize)
{
    const fs::path file = fs::path(cacheDir) / ("reference-" + fnv1aHex(modelIdentity) + ".json");
    auto entries = readCache(file, modelIdentity);
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        if (!entries.contains(pairKey(pairs[i])))
            missing.push_back(i);
    computeMissing(reference, pairs, missing, std::max<std::size_t>(1, batchSize), entries);
    if (!missing.empty()) {
        fs::create_directories(cacheDir);
        json::writeFileAtomically(file.string(), nlohmann::json{{"model", modelIdentity}, {"pairs", entries}}.dump());
    }
    log::get("train")->info("reference log-probs: {} pairs computed, {} from {}", missing.size(),
                            pairs.size() - missing.size(), file.string());
    ReferenceLogProbs out;
    out.computedPairs = static_cast<std::int64_t>(missing.size());
    for (const auto &pair : pairs) {
        const auto &entry = entries[pairKey(pair)];
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_number() || !entry[1].is_number())
            throw Error("corrupt entry (delete the file to recompute)", {file.string(), 0, pairKey(pair)});
        out.chosen.push_back(entry[0].get<double>());
        out.rejected.push_back(entry[1].get<double>());
    }
    return out;
}

} // namespace rlrf::train
