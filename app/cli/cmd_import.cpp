// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf import`: read a prompt file into a project, all rows or none.
#include "cli/command_registry.h"

#include "core/error.h"
#include "store/import/prompt_import.h"
#include "store/project_file.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runImport(const rlrf::cli::ParsedArgs &args)
{
    using namespace rlrf;
    tasks::ImportRequest request;
    try { // a misspelt format or split is a mistake in the command line
        request.format = tasks::parseImportFormat(args.required("format"));
        if (args.has("split"))
            request.split = store::parseSplit(args.value("split"));
    } catch (const Error &e) {
        throw cli::UsageError(e.message());
    }
    request.inputPath = args.required("input");
    request.mapping.promptField = args.value("prompt-field", "prompt");
    request.mapping.answerField = args.value("answer-field");
    request.answersPath = args.value("answers");
    request.setName = args.value("name");
    const bool mapped = args.has("prompt-field") || args.has("answer-field");
    if (mapped && request.format != tasks::ImportFormat::Jsonl && request.format != tasks::ImportFormat::Csv)
        throw cli::UsageError("--prompt-field and --answer-field apply to --format jsonl or csv only");
    if (args.has("answers") && request.format != tasks::ImportFormat::Bfcl)
        throw cli::UsageError("--answers applies to --format bfcl only");

    store::Project project = store::Project::open(args.positional.at(0));
    project.requireWritable("take imported prompts");
    const auto summary = tasks::importPrompts(project.db(), request);
    std::cout << nlohmann::json{{"prompt_set_id", summary.promptSetId},
                                {"prompts", summary.count},
                                {"split", store::toString(summary.split)},
                                {"format", tasks::toString(request.format)},
                                {"input", request.inputPath}}
                     .dump()
              << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerImport{{
    "import",
    "import prompts (GSM8K, Just-Eval, BFCL, or any JSONL/CSV) into a project",
    "rlrf import FILE --format gsm8k|just-eval|bfcl|jsonl|csv --input F [--split S]",
    {{"format", "FORMAT", "gsm8k, just-eval, bfcl, jsonl or csv"},
     {"input", "F", "the file to import"},
     {"split", "S", "train, validation or test (default: from the file name, else train)"},
     {"prompt-field", "NAME", "jsonl/csv: field or column holding the prompt (default: prompt; jsonl may use a.b)"},
     {"answer-field", "NAME", "jsonl/csv: field or column holding the reference answer (default: none)"},
     {"answers", "F", "bfcl: the possible-answer file (default: possible_answer/<same name> beside --input)"},
     {"name", "NAME", "name of the prompt set (default: the input's file name)"}},
    1,
    1,
    "Every row is checked before anything is written: a bad line is reported as\n"
    "FILE:LINE with its cause and the project is left unchanged.",
    runImport,
}};

} // namespace
