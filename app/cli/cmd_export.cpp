// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf export`: pairs for TRL (with provenance) or critiques, as JSONL.
#include "cli/command_registry.h"

#include "store/jsonl_export.h"
#include "store/project_file.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runExport(const rlrf::cli::ParsedArgs &args)
{
    using namespace rlrf;
    const std::string what = args.required("what");
    const std::string format = args.value("format", what == "pairs" ? "trl" : "jsonl");
    const std::string out = args.required("out");
    if (what != "pairs" && what != "critiques")
        throw cli::UsageError("--what must be pairs or critiques, not '" + what + "'");
    if (what == "pairs" && format != "trl")
        throw cli::UsageError("pairs export in --format trl (got '" + format + "')");
    if (what == "critiques" && format != "jsonl")
        throw cli::UsageError("critiques export in --format jsonl (got '" + format + "')");
    if (what == "critiques" && (args.has("provenance") || args.has("reviewed-only")))
        throw cli::UsageError("--provenance and --reviewed-only apply to --what pairs only");

    store::Project project = store::Project::open(args.positional.at(0));
    nlohmann::json line;
    if (what == "pairs") {
        const auto s = store::exportPairsTrl(project.db(), out, args.value("provenance"),
                                             {args.has("reviewed-only")});
        line = {{"what", what}, {"rows", s.rows}, {"out", s.path}, {"provenance", s.provenancePath}};
    } else {
        const auto s = store::exportCritiquesJsonl(project.db(), out);
        line = {{"what", what}, {"rows", s.rows}, {"out", s.path}};
    }
    std::cout << line.dump() << "\n";
    return 0;
}

const rlrf::cli::RegisterCommand registerExport{{
    "export",
    "export preference pairs (TRL JSONL + provenance) or critiques (JSONL)",
    "rlrf export FILE --what pairs|critiques --format trl|jsonl --out F",
    {{"what", "WHAT", "pairs or critiques"},
     {"format", "FORMAT", "trl (pairs) or jsonl (critiques); default: the one that fits --what"},
     {"out", "F", "output file"},
     {"provenance", "F", "pairs: provenance sidecar (default: <out stem>.provenance.jsonl)"},
     {"reviewed-only", "", "pairs: only approved or edited pairs (default: pending too; rejected never)"}},
    1,
    1,
    "Pairs: one {\"prompt\", \"chosen\", \"rejected\"} conversation per line, as TRL's DPO\n"
    "trainer reads it; line i of the sidecar names pair id, rule, gap, review state,\n"
    "candidates, critiques, judges and rubric version of line i.",
    runExport,
}};

} // namespace
