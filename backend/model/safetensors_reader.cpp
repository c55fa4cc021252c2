// SPDX-License-Identifier: GPL-3.0-or-later
// Layout (huggingface/safetensors README): 8 bytes little-endian u64 N, N bytes of
// UTF-8 JSON (may end in spaces), then the data section that data_offsets index.
#include "model/safetensors_reader.h"

#include "core/error.h"
#include "model/mapped_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

// Views hand out the file's little-endian bytes as they are.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors views assume a little-endian host"
#endif

namespace rlrf::model {

namespace {

using nlohmann::json;

struct Entry {
    TensorView view;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

std::uint64_t readLittleEndianU64(const std::uint8_t *bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | bytes[i];
    return value;
}

// Parses the header, refusing a tensor name that appears twice (a plain parse
// would silently keep the last one).
json parseHeader(const std::string &text, const std::string &path)
{
    std::set<std::string> seen;
    std::string duplicate;
    const json::parser_callback_t noteKeys = [&](int depth, json::parse_event_t event, json &parsed) {
        if (depth == 1 && event == json::parse_event_t::key && parsed.is_string()) {
            const auto &key = parsed.get_ref<const std::string &>();
            if (!seen.insert(key).second && duplicate.empty())
                duplicate = key;
        }
        return true;
    };
    // The reference reader insists on this too; it rules out stray bytes before the JSON.
    if (text.empty() || text[0] != '{')
        throw Error("header does not start with '{'", {path, 0, {}});
    json header;
    try {
        header = json::parse(text, noteKeys);
    } catch (const json::exception &e) { // parse_error, and out_of_range for numbers like 1e99999
        throw Error(std::string("header is not valid JSON: ") + e.what(), {path, 0, {}});
    }
    if (!header.is_object())
        throw Error(std::string("header is not a JSON object but ") + header.type_name(), {path, 0, {}});
    if (!duplicate.empty())
        throw Error("tensor name appears twice in the header", {path, 0, duplicate});
    return header;
}

std::map<std::string, std::string> parseMetadata(const json &value, const std::string &path)
{
    if (!value.is_object())
        throw Error("__metadata__ must be an object of strings", {path, 0, "__metadata__"});
    std::map<std::string, std::string> metadata;
    for (const auto &[key, item] : value.items()) {
        if (!item.is_string())
            throw Error("__metadata__ value is not a string", {path, 0, "__metadata__." + key});
        metadata[key] = item.get<std::string>();
    }
    return metadata;
}

std::vector<std::int64_t> parseShape(const json &value, const std::string &path, const std::string &name)
{
    if (!value.is_array())
        throw Error("shape is not a list of non-negative integers: " + value.dump(), {path, 0, name});
    std::vector<std::int64_t> shape;
    for (const auto &dim : value) {
        if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            throw Error("shape is not a list of non-negative integers: " + value.dump(), {path, 0, name});
        shape.push_back(dim.get<std::int64_t>());
    }
    return shape;
}

// numel * element size, or nullopt when it does not fit in 64 bits.
std::optional<std::uint64_t> expectedBytes(const std::vector<std::int64_t> &shape, std::size_t elementSize)
{
    std::uint64_t bytes = elementSize;
    for (const auto dim : shape) {
        const auto d = static_cast<std::uint64_t>(dim);
        if (d != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / d)
            return std::nullopt;
        bytes *= d;
    }
    return bytes;
}

Entry parseTensor(const std::string &name, const json &value, std::uint64_t dataSize, const std::string &path)
{
    if (!value.is_object())
        throw Error("tensor entry is not an object", {path, 0, name});
    for (const auto &[key, item] : value.items())
        if (key != "dtype" && key != "shape" && key != "data_offsets")
            throw Error("unexpected key '" + key + "' in tensor entry", {path, 0, name});
    for (const char *key : {"dtype", "shape", "data_offsets"})
        if (!value.contains(key))
            throw Error(std::string("tensor entry lacks '") + key + "'", {path, 0, name});

    Entry entry;
    entry.view.name = name;
    const json &dtype = value["dtype"];
    const auto parsed = dtype.is_string() ? dtypeFromName(dtype.get<std::string>()) : std::nullopt;
    if (!parsed)
        throw Error("unknown dtype " + dtype.dump() + " (known: BOOL, U8, I8, I32, I64, F16, BF16, F32, F64)",
                    {path, 0, name});
    entry.view.dtype = *parsed;
    entry.view.shape = parseShape(value["shape"], path, name);

    const json &offsets = value["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
        throw Error("data_offsets is not [begin, end] of non-negative integers: " + offsets.dump(), {path, 0, name});
    entry.begin = offsets[0].get<std::uint64_t>();
    entry.end = offsets[1].get<std::uint64_t>();
    if (entry.begin > entry.end)
        throw Error("data_offsets begin " + std::to_string(entry.begin) + " is after end " + std::to_string(entry.end),
                    {path, 0, name});
    if (entry.end > dataSize)
        throw Error("data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end)
                        + "] lie outside the data section of " + std::to_string(dataSize) + " bytes",
                    {path, 0, name});
    const auto expected = expectedBytes(entry.view.shape, dtypeSize(entry.view.dtype));
    if (!expected || *expected != entry.end - entry.begin)
        throw Error("byte size " + std::to_string(entry.end - entry.begin) + " does not match shape "
                        + value["shape"].dump() + " of " + dtype.get<std::string>() + " ("
                        + (expected ? std::to_string(*expected) + " bytes" : std::string("overflows")) + ")",
                    {path, 0, name});
    entry.view.byteSize = static_cast<std::size_t>(entry.end - entry.begin);
    return entry;
}

// Tensors must tile the data section: no overlap, and no gap unless allowed.
void checkLayout(std::vector<Entry> &entries, std::uint64_t dataSize, bool allowGaps, const std::string &path)
{
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t covered = 0;
    const Entry *previous = nullptr;
    for (const auto &e : entries) {
        if (e.begin < covered)
            throw Error("data overlaps tensor '" + previous->view.name + "' (bytes " + std::to_string(e.begin) + " to "
                            + std::to_string(covered) + ")",
                        {path, 0, e.view.name});
        if (e.begin > covered && !allowGaps)
            throw Error(std::to_string(e.begin - covered) + " unused bytes before this tensor's data (offset "
                            + std::to_string(covered) + ")",
                        {path, 0, e.view.name});
        covered = e.end;
        previous = &e;
    }
    if (covered < dataSize && !allowGaps)
        throw Error(std::to_string(dataSize - covered) + " bytes of data after the last tensor are not used by any tensor",
                    {path, 0, {}});
}

} // namespace

SafetensorsFile SafetensorsFile::open(const std::string &path, const SafetensorsReadOptions &options)
{
    const auto mapping = detail::MappedFile::open(path);
    const std::uint64_t size = mapping->size();
    if (size < 8)
        throw Error("file of " + std::to_string(size) + " bytes is too short for a safetensors header (8 bytes of length first)",
                    {path, 0, {}});
    const std::uint64_t headerSize = readLittleEndianU64(mapping->data());
    if (headerSize > kMaxSafetensorsHeaderBytes)
        throw Error("header length " + std::to_string(headerSize) + " exceeds the limit of "
                        + std::to_string(kMaxSafetensorsHeaderBytes) + " bytes",
                    {path, 0, {}});
    if (headerSize > size - 8)
        throw Error("header length " + std::to_string(headerSize) + " exceeds the file (" + std::to_string(size)
                        + " bytes)",
                    {path, 0, {}});

    const std::string text(reinterpret_cast<const char *>(mapping->data()) + 8, headerSize);
    const json header = parseHeader(text, path);
    const std::uint64_t dataSize = size - 8 - headerSize;

    SafetensorsFile file;
    file.m_path = path;
    file.m_fileSize = size;
    std::vector<Entry> entries;
    for (const auto &[key, value] : header.items()) {
        if (key == "__metadata__")
            file.m_metadata = parseMetadata(value, path);
        else
            entries.push_back(parseTensor(key, value, dataSize, path));
    }
    checkLayout(entries, dataSize, options.allowGaps, path);

    const std::shared_ptr<const void> owner(mapping, mapping.get());
    const std::uint8_t *data = mapping->data() + 8 + headerSize;
    for (auto &e : entries) {
        e.view.data = data + e.begin;
        e.view.owner = owner;
        file.m_index[e.view.name] = file.m_tensors.size();
        file.m_tensors.push_back(std::move(e.view));
    }
    return file;
}

const TensorView *SafetensorsFile::find(const std::string &name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

const TensorView &SafetensorsFile::at(const std::string &name) const
{
    if (const auto *view = find(name))
        return *view;
    throw Error("no such tensor in the file", {m_path, 0, name});
}

} // namespace rlrf::model
