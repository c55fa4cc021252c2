// SPDX-License-Identifier: GPL-3.0-or-later
// Mirrors the reference writer (huggingface/safetensors, src/tensor.rs `prepare`):
// tensors sorted by descending dtype, then name; header serialised compactly with
// "__metadata__" first and the tensors in data order; padded with spaces to 8 bytes.
#include "model/safetensors_writer.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <regex>
#include <set>

#include <fcntl.h>
#include <unistd.h>

namespace rlrf::model {

namespace fs = std::filesystem;

namespace {

struct Layout {
    std::string header;                     // 8-byte length + padded JSON
    std::vector<const TensorView *> order;  // data order
};

void validate(const TensorView &t)
{
    if (t.name.empty() || t.name == "__metadata__")
        throw Error("invalid tensor name '" + t.name + "'", {{}, 0, t.name});
    for (const auto d : t.shape)
        if (d < 0)
            throw Error("negative dimension in shape", {{}, 0, t.name});
    const auto expected = static_cast<std::uint64_t>(t.numel()) * dtypeSize(t.dtype);
    if (t.byteSize != expected)
        throw Error("byte size " + std::to_string(t.byteSize) + " does not match shape and dtype ("
                        + std::to_string(expected) + " bytes)",
                    {{}, 0, t.name});
    if (t.byteSize > 0 && t.data == nullptr)
        throw Error("tensor has no data", {{}, 0, t.name});
}

Layout planLayout(const std::vector<TensorView> &tensors, const std::map<std::string, std::string> &metadata)
{
    Layout layout;
    std::set<std::string> names;
    for (const auto &t : tensors) {
        validate(t);
        if (!names.insert(t.name).second)
            throw Error("tensor name given twice", {{}, 0, t.name});
        layout.order.push_back(&t);
    }
    std::sort(layout.order.begin(), layout.order.end(), [](const TensorView *a, const TensorView *b) {
        const int ra = dtypeLayoutRank(a->dtype), rb = dtypeLayoutRank(b->dtype);
        return ra != rb ? ra > rb : a->name < b->name;
    });

    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const auto *t : layout.order) {
        nlohmann::ordered_json info;
        info["dtype"] = dtypeName(t->dtype);
        info["shape"] = t->shape;
        info["data_offsets"] = {offset, offset + t->byteSize};
        header[t->name] = std::move(info);
        offset += t->byteSize;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("cannot write the header (tensor names and metadata must be UTF-8): ") + e.what());
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    std::uint64_t length = text.size();
    for (int i = 0; i < 8; ++i, length >>= 8)
        layout.header.push_back(static_cast<char>(length & 0xff));
    layout.header += text;
    return layout;
}

void writeAll(int fd, const void *data, std::size_t size, const std::string &path)
{
    const auto *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, std::min<std::size_t>(size, std::size_t(1) << 30));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error(std::string("write failed: ") + std::strerror(errno), {path, 0, {}});
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

// Temporary file beside the target, flushed to disk, then renamed over it: a
// crash leaves either the old file or the new one, never half of one.
void writeLayoutAtomically(const std::string &path, const Layout &layout)
{
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(std::string("cannot create file: ") + std::strerror(errno), {tmp, 0, {}});
    try {
        writeAll(fd, layout.header.data(), layout.header.size(), tmp);
        for (const auto *t : layout.order)
            writeAll(fd, t->data, t->byteSize, tmp);
        if (::fsync(fd) != 0)
            throw Error(std::string("cannot flush file to disk: ") + std::strerror(errno), {tmp, 0, {}});
    } catch (...) {
        ::close(fd);
        std::remove(tmp.c_str());
        throw;
    }
    if (::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        std::remove(tmp.c_str());
        throw Error("cannot move the written file into place: " + reason, {path, 0, {}});
    }
}

std::string shardName(std::size_t index, std::size_t count)
{
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", index + 1, count);
    return name;
}

// Weight files of an earlier save that the new one did not write.
void removeStaleWeights(const fs::path &folder, const std::set<std::string> &written)
{
    static const std::regex weightFile(R"(model(-\d{5}-of-\d{5})?\.safetensors(\.index\.json)?)");
    for (const auto &item : fs::directory_iterator(folder)) {
        const std::string name = item.path().filename().string();
        if (std::regex_match(name, weightFile) && written.count(name) == 0) {
            std::error_code ec;
            fs::remove(item.path(), ec);
            log::get("model")->info("removed {} left from an earlier save", item.path().string());
        }
    }
}

// The rule of huggingface_hub's split_state_dict_into_shards_factory (used by
// transformers' save_pretrained): fill shards in the given order; a tensor larger
// than the limit becomes a shard of its own at once, while the shard being filled
// stays open for the tensors after it.
std::vector<std::vector<TensorView>> splitIntoShards(const std::vector<TensorView> &tensors, std::uint64_t maxBytes)
{
    std::vector<std::vector<TensorView>> shards;
    std::vector<TensorView> current;
    std::uint64_t currentBytes = 0;
    for (const auto &t : tensors) {
        if (t.byteSize > maxBytes) {
            shards.push_back({t});
            continue;
        }
        if (!current.empty() && currentBytes + t.byteSize > maxBytes) {
            shards.push_back(std::move(current));
            current.clear();
            currentBytes = 0;
        }
        current.push_back(t);
        currentBytes += t.byteSize;
    }
    if (!current.empty() || shards.empty())
        shards.push_back(std::move(current));
    return shards;
}

} // namespace

std::string serializeSafetensors(const std::vector<TensorView> &tensors, const std::map<std::string, std::string> &metadata)
{
    const Layout layout = planLayout(tensors, metadata);
    std::string bytes = layout.header;
    for (const auto *t : layout.order)
        bytes.append(static_cast<const char *>(t->data), t->byteSize);
    return bytes;
}

void writeSafetensorsFile(const std::string &path, const std::vector<TensorView> &tensors,
                          const std::map<std::string, std::string> &metadata)
{
    try {
        writeLayoutAtomically(path, planLayout(tensors, metadata));
    } catch (const Error &e) {
        if (!e.source().file.empty())
            throw;
        throw Error(e.message(), {path, e.source().line, e.source().field});
    }
}

SafetensorsWriteResult saveSafetensorsCheckpoint(const std::string &folder, const std::vector<TensorView> &tensors,
                                                 const SafetensorsWriteOptions &options)
{
    const fs::path dir(folder);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec))
        throw Error("cannot create the folder", {folder, 0, {}});
    planLayout(tensors, options.metadata); // validates every tensor before any file is touched

    SafetensorsWriteResult result;
    for (const auto &t : tensors)
        result.totalTensorBytes += t.byteSize;
    const auto shards = splitIntoShards(tensors, options.maxShardBytes);
    std::set<std::string> written;
    nlohmann::json weightMap = nlohmann::json::object();
    for (std::size_t i = 0; i < shards.size(); ++i) {
        const std::string name = shards.size() == 1 ? std::string("model.safetensors") : shardName(i, shards.size());
        writeSafetensorsFile((dir / name).string(), shards[i], options.metadata);
        result.files.push_back((dir / name).string());
        written.insert(name);
        for (const auto &t : shards[i])
            weightMap[t.name] = name;
    }
    if (shards.size() > 1) {
        const nlohmann::json index = {{"metadata", {{"total_size", result.totalTensorBytes}}}, {"weight_map", weightMap}};
        result.indexFile = (dir / "model.safetensors.index.json").string();
        // As transformers writes it: json.dumps(index, indent=2, sort_keys=True) + "\n".
        json::writeFileAtomically(result.indexFile, index.dump(2) + "\n");
        written.insert("model.safetensors.index.json");
    }
    removeStaleWeights(dir, written);
    log::get("model")->info("saved {} tensors ({} bytes) to {} in {} file(s)", tensors.size(), result.totalTensorBytes,
                            folder, result.files.size());
    return result;
}

} // namespace rlrf::model
