// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/import/importers.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/jsonl_reader.h"
#include "store/import/csv_reader.h"

#include <algorithm>

namespace rlrf::tasks {
namespace {

// Follows a dotted path; nullptr when any step is missing.
const nlohmann::json *findPath(const nlohmann::json &record, const std::string &path)
{
    const nlohmann::json *node = &record;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object() || !node->contains(key))
            return nullptr;
        node = &(*node)[key];
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    return node;
}

std::string promptText(const nlohmann::json *value, const std::string &field)
{
    if (!value)
        throw Error("missing prompt field", {{}, 0, field});
    if (!value->is_string())
        throw Error(std::string("prompt must be a string, not ") + value->type_name(), {{}, 0, field});
    const std::string text = value->get<std::string>();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error("prompt is empty", {{}, 0, field});
    return text;
}

std::string answerText(const nlohmann::json *value, const std::string &field)
{
    if (!value || value->is_null())
        throw Error("missing answer field", {{}, 0, field});
    if (value->is_string())
        return value->get<std::string>();
    if (value->is_number())
        return value->dump();
    throw Error(std::string("answer must be a string or a number, not ") + value->type_name(), {{}, 0, field});
}

void checkMapping(const FieldMapping &mapping)
{
    if (mapping.promptField.empty())
        throw Error("the prompt field name is empty", {{}, 0, "prompt_field"});
}

} // namespace

std::vector<ImportedPrompt> readJsonlPrompts(const std::string &path, const FieldMapping &mapping)
{
    checkMapping(mapping);
    std::vector<ImportedPrompt> rows;
    jsonl::forEachLine(path, [&](const nlohmann::json &record, long line) {
        if (!record.is_object())
            throw Error(std::string("each line must be a JSON object, not ") + record.type_name(), {path, line, {}});
        ImportedPrompt p;
        p.text = promptText(findPath(record, mapping.promptField), mapping.promptField);
        if (!mapping.answerField.empty())
            p.referenceAnswer = answerText(findPath(record, mapping.answerField), mapping.answerField);
        p.sourceRow = line;
        p.metadata = record;
        for (const auto *field : {&mapping.promptField, &mapping.answerField})
            if (field->find('.') == std::string::npos)
                p.metadata.erase(*field);
        rows.push_back(std::move(p));
    });
    return rows;
}

std::vector<ImportedPrompt> readCsvPrompts(const std::string &path, const FieldMapping &mapping)
{
    checkMapping(mapping);
    const auto records = parseCsv(json::readTextFile(path), path);
    if (records.empty())
        throw Error("the CSV file is empty (it needs a header row)", {path, 0, {}});
    const auto &header = records.front().fields;
    const auto column = [&](const std::string &name) -> long {
        const auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end())
            throw Error("no such column in the header", {path, records.front().line, name});
        return it - header.begin();
    };
    const long promptColumn = column(mapping.promptField);
    const long answerColumn = mapping.answerField.empty() ? -1 : column(mapping.answerField);

    std::vector<ImportedPrompt> rows;
    for (size_t r = 1; r < records.size(); ++r) {
        const auto &rec = records[r];
        if (rec.fields.size() != header.size())
            throw Error("record has " + std::to_string(rec.fields.size()) + " fields, the header has "
                            + std::to_string(header.size()),
                        {path, rec.line, {}});
        ImportedPrompt p;
        const std::string &text = rec.fields[promptColumn];
        if (text.find_first_not_of(" \t\r\n") == std::string::npos)
            throw Error("prompt is empty", {path, rec.line, mapping.promptField});
        p.text = text;
        if (answerColumn >= 0)
            p.referenceAnswer = rec.fields[answerColumn];
        p.sourceRow = rec.line;
        for (size_t c = 0; c < header.size(); ++c)
            if (static_cast<long>(c) != promptColumn && static_cast<long>(c) != answerColumn)
                p.metadata[header[c]] = rec.fields[c];
        rows.push_back(std::move(p));
    }
    return rows;
}

} // namespace rlrf::tasks
