// SPDX-License-Identifier: GPL-3.0-or-later
// Index format (transformers' save_pretrained): {"metadata": {"total_size": N},
// "weight_map": {"tensor name": "model-00001-of-00002.safetensors", ...}}.
#include "model/safetensors_checkpoint.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

namespace rlrf::model {

namespace fs = std::filesystem;

namespace {

bool isIndexFileName(const std::string &name)
{
    const std::string suffix = ".index.json";
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool startsLikePickle(const std::string &path)
{
    // torch.save writes a zip archive ("PK\3\4") since 1.6, a bare pickle
    // (protocol opcode 0x80) before that.
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, sizeof magic);
    const bool zip = in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    const bool pickle = in.gcount() >= 1 && static_cast<unsigned char>(magic[0]) == 0x80;
    return zip || pickle;
}

// The error for a folder without safetensors weights: pickle files are refused by
// name; otherwise the message lists what is there.
[[noreturn]] void failWithoutWeights(const fs::path &folder)
{
    std::vector<std::string> others;
    for (const auto &item : fs::directory_iterator(folder)) {
        const std::string name = item.path().filename().string();
        if (looksLikePickleCheckpoint(name))
            refusePickleCheckpoint(item.path().string());
        if (item.path().extension() == ".safetensors")
            others.push_back(name);
    }
    std::string message = std::string("no ") + kSafetensorsSingleFile + " or " + kSafetensorsIndexFile + " in the folder";
    if (!others.empty()) {
        message += " (other safetensors files:";
        for (const auto &o : others)
            message += " " + o;
        message += "; pass one of them as a file path to open it)";
    }
    throw Error(message, {folder.string(), 0, {}});
}

// weight_map as (tensor -> shard file name), with file names that stay inside the folder.
std::map<std::string, std::string> readWeightMap(const nlohmann::json &index, const std::string &indexPath)
{
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw Error("index has no \"weight_map\" object", {indexPath, 0, "weight_map"});
    std::map<std::string, std::string> weightMap;
    for (const auto &[tensor, file] : index["weight_map"].items()) {
        if (!file.is_string())
            throw Error("weight_map value is not a file name: " + file.dump(), {indexPath, 0, tensor});
        const std::string name = file.get<std::string>();
        if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
            throw Error("weight_map names a shard outside the folder: '" + name + "'", {indexPath, 0, tensor});
        weightMap[tensor] = name;
    }
    if (weightMap.empty())
        throw Error("weight_map is empty", {indexPath, 0, "weight_map"});
    return weightMap;
}

void checkTotalSize(const nlohmann::json &index, std::uint64_t actual, const std::string &indexPath)
{
    if (!index.contains("metadata") || !index["metadata"].is_object() || !index["metadata"].contains("total_size"))
        return;
    const auto &total = index["metadata"]["total_size"];
    if (!total.is_number_unsigned())
        throw Error("metadata.total_size is not a non-negative integer: " + total.dump(), {indexPath, 0, "metadata.total_size"});
    // Some published indexes disagree with their shards by a few bytes; the shards
    // are the truth, so say it and go on.
    if (total.get<std::uint64_t>() != actual)
        log::get("model")->warn("{}: metadata.total_size is {} but the shards hold {} bytes of tensors", indexPath,
                                total.get<std::uint64_t>(), actual);
}

} // namespace

SafetensorsCheckpoint SafetensorsCheckpoint::open(const std::string &path, const SafetensorsReadOptions &options)
{
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec))
        throw Error("no such file or folder", {path, 0, {}});
    SafetensorsCheckpoint checkpoint;
    checkpoint.m_source = path;
    if (fs::is_directory(p, ec)) {
        if (fs::exists(p / kSafetensorsSingleFile, ec))
            checkpoint.addShard(SafetensorsFile::open((p / kSafetensorsSingleFile).string(), options), {});
        else if (fs::exists(p / kSafetensorsIndexFile, ec))
            checkpoint.openIndex((p / kSafetensorsIndexFile).string(), options);
        else
            failWithoutWeights(p);
    } else if (isIndexFileName(p.filename().string()) && !looksLikePickleCheckpoint(path)) {
        checkpoint.openIndex(path, options);
    } else {
        if (looksLikePickleCheckpoint(path) || (p.extension() != ".safetensors" && startsLikePickle(path)))
            refusePickleCheckpoint(path);
        checkpoint.addShard(SafetensorsFile::open(path, options), {});
    }
    log::get("model")->debug("opened {}: {} tensors in {} file(s)", path, checkpoint.m_byName.size(),
                             checkpoint.m_shards.size());
    return checkpoint;
}

void SafetensorsCheckpoint::openIndex(const std::string &indexPath, const SafetensorsReadOptions &options)
{
    const nlohmann::json index = json::readFile(indexPath);
    const auto weightMap = readWeightMap(index, indexPath);
    const fs::path folder = fs::path(indexPath).parent_path();

    // Shards in name order (model-00001-of-N first), each opened once.
    std::map<std::string, std::string> firstTensorOf;
    for (const auto &[tensor, file] : weightMap)
        firstTensorOf.emplace(file, tensor);
    for (const auto &[file, tensor] : firstTensorOf) {
        std::error_code ec;
        if (!fs::exists(folder / file, ec))
            throw Error("shard file " + (folder / file).string() + " named in the weight_map does not exist",
                        {indexPath, 0, tensor});
    }
    for (const auto &[file, tensor] : firstTensorOf)
        addShard(SafetensorsFile::open((folder / file).string(), options), &weightMap);
    for (const auto &[tensor, file] : weightMap)
        if (m_byName.count(tensor) == 0)
            throw Error("tensor named in the weight_map is missing from its shard " + (folder / file).string(),
                        {indexPath, 0, tensor});
    checkTotalSize(index, totalTensorBytes(), indexPath);
}

// Adds a shard's tensors; with a weight map, each must be listed for this shard.
void SafetensorsCheckpoint::addShard(SafetensorsFile shard, const std::map<std::string, std::string> *weightMap)
{
    const std::size_t shardIndex = m_shards.size();
    m_shards.push_back(std::move(shard));
    const SafetensorsFile &file = m_shards.back();
    const std::string fileName = fs::path(file.path()).filename().string();
    for (std::size_t i = 0; i < file.tensors().size(); ++i) {
        const TensorView &view = file.tensors()[i];
        if (weightMap) {
            const auto listed = weightMap->find(view.name);
            if (listed == weightMap->end())
                throw Error("tensor is in the shard but not in the index's weight_map", {file.path(), 0, view.name});
            if (listed->second != fileName)
                throw Error("tensor is in this shard but the weight_map puts it in " + listed->second,
                            {file.path(), 0, view.name});
        }
        if (!m_byName.emplace(view.name, Location{shardIndex, i}).second)
            throw Error("tensor appears in two shards: " + m_shards[m_byName[view.name].shard].path() + " and " + file.path(),
                        {file.path(), 0, view.name});
    }
}

const TensorView *SafetensorsCheckpoint::find(const std::string &name) const
{
    const auto it = m_byName.find(name);
    return it == m_byName.end() ? nullptr : &m_shards[it->second.shard].tensors()[it->second.tensor];
}

const TensorView &SafetensorsCheckpoint::at(const std::string &name) const
{
    if (const auto *view = find(name))
        return *view;
    throw Error("no such tensor in the checkpoint", {m_source, 0, name});
}

std::vector<std::string> SafetensorsCheckpoint::names() const
{
    std::vector<std::string> out;
    out.reserve(m_byName.size());
    for (const auto &[name, location] : m_byName)
        out.push_back(name);
    return out;
}

std::string SafetensorsCheckpoint::fileOf(const std::string &name) const
{
    const auto it = m_byName.find(name);
    return it == m_byName.end() ? std::string() : m_shards[it->second.shard].path();
}

std::uint64_t SafetensorsCheckpoint::totalTensorBytes() const
{
    std::uint64_t total = 0;
    for (const auto &shard : m_shards)
        for (const auto &view : shard.tensors())
            total += view.byteSize;
    return total;
}

} // namespace rlrf::model
