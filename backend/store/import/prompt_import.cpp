// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/import/prompt_import.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/database.h"
#include "store/import/dataset_importers.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <array>
#include <filesystem>
#include <utility>

namespace rlrf::tasks {
namespace {

constexpr std::array<std::pair<ImportFormat, const char *>, 5> kFormats{{
    {ImportFormat::Gsm8k, "gsm8k"}, {ImportFormat::JustEval, "just-eval"}, {ImportFormat::Bfcl, "bfcl"},
    {ImportFormat::Jsonl, "jsonl"}, {ImportFormat::Csv, "csv"}}};

std::vector<ImportedPrompt> readRows(const ImportRequest &r)
{
    switch (r.format) {
    case ImportFormat::Gsm8k: return readGsm8k(r.inputPath);
    case ImportFormat::JustEval: return readJustEval(r.inputPath);
    case ImportFormat::Bfcl: return readBfcl(r.inputPath, r.answersPath);
    case ImportFormat::Jsonl: return readJsonlPrompts(r.inputPath, r.mapping);
    case ImportFormat::Csv: return readCsvPrompts(r.inputPath, r.mapping);
    }
    throw Error("unknown import format", {r.inputPath, 0, "format"});
}

} // namespace

ImportFormat parseImportFormat(const std::string &text)
{
    std::string allowed;
    for (const auto &[format, name] : kFormats) {
        if (text == name)
            return format;
        allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    }
    throw Error("unknown import format '" + text + "' (expected one of: " + allowed + ")", {{}, 0, "format"});
}

std::string toString(ImportFormat format)
{
    for (const auto &[f, name] : kFormats)
        if (f == format)
            return name;
    return "unknown";
}

store::Split splitFromFileName(const std::string &path)
{
    const std::string name = std::filesystem::path(path).filename().string();
    if (name.find("test") != std::string::npos)
        return store::Split::Test;
    if (name.find("valid") != std::string::npos || name.find("dev") != std::string::npos)
        return store::Split::Validation;
    return store::Split::Train;
}

ImportSummary importPrompts(store::Database &db, const ImportRequest &request)
{
    if (!std::filesystem::exists(request.inputPath))
        throw Error("input file does not exist", {request.inputPath, 0, {}});
    const auto rows = readRows(request);
    if (rows.empty())
        throw Error("no prompts in the file", {request.inputPath, 0, {}});

    ImportSummary summary;
    summary.split = request.split.value_or(splitFromFileName(request.inputPath));
    store::PromptRepository prompts(db);
    store::Transaction tx(db);
    const std::string name = request.setName.empty()
        ? std::filesystem::path(request.inputPath).filename().string() : request.setName;
    summary.promptSetId = prompts.createSet({0, name, toString(request.format), request.inputPath, {}});
    for (const auto &row : rows) {
        store::PromptRecord p;
        p.promptSetId = summary.promptSetId;
        p.text = row.text;
        p.referenceAnswer = row.referenceAnswer;
        p.split = summary.split;
        p.source = request.inputPath;
        p.sourceRow = row.sourceRow;
        p.metadataJson = row.metadata.dump();
        prompts.insert(p);
        ++summary.count;
    }
    tx.commit();
    log::get("store")->info("{}: imported {} {} prompts from {} as {}", db.path(), summary.count,
                            toString(request.format), request.inputPath, store::toString(summary.split));
    return summary;
}

} // namespace rlrf::tasks
