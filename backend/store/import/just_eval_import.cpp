// SPDX-License-Identifier: GPL-3.0-or-later
// Just-Eval-Instruct (Re-Align/just-eval): 1000 instructions, regular and safety.
#include "core/error.h"
#include "core/json_io.h"
#include "store/import/dataset_importers.h"

namespace rlrf::tasks {

std::vector<ImportedPrompt> readJustEval(const std::string &path)
{
    const nlohmann::json doc = json::readFile(path);
    if (!doc.is_array())
        throw Error(std::string("expected a JSON array of instructions, not ") + doc.type_name(), {path, 0, {}});
    std::vector<ImportedPrompt> rows;
    rows.reserve(doc.size());
    for (size_t i = 0; i < doc.size(); ++i) {
        const auto &item = doc[i];
        const std::string where = "[" + std::to_string(i) + "]";
        try {
            ImportedPrompt p;
            p.text = json::require<std::string>(item, "instruction", path);
            if (p.text.find_first_not_of(" \t\r\n") == std::string::npos)
                throw Error("instruction is empty", {path, 0, "instruction"});
            p.sourceRow = static_cast<long>(i) + 1;
            p.metadata["id"] = json::require<long>(item, "id", path);
            for (const char *key : {"dataset", "category", "source_id"})
                if (item.contains(key))
                    p.metadata[key] = item[key];
            rows.push_back(std::move(p));
        } catch (const Error &e) {
            throw Error(e.message(), {path, 0, where + "." + e.source().field});
        }
    }
    return rows;
}

} // namespace rlrf::tasks
