// SPDX-License-Identifier: GPL-3.0-or-later
// JSONL in, JSONL of token ids out (see tokenize_jsonl.h).
#include "model/tokenize_jsonl.h"

#include "core/error.h"
#include "core/jsonl_reader.h"

namespace rlrf::model {

std::size_t tokenizeJsonl(const Tokenizer &tokenizer, const std::string &inputPath, std::ostream &out)
{
    std::size_t count = 0;
    const std::string name = inputPath == "-" ? "<stdin>" : inputPath;
    jsonl::forEachLine(inputPath, [&](const nlohmann::json &record, long line) {
        if (!record.is_object() || !record.contains("text") || !record["text"].is_string())
            throw Error("expected an object with a \"text\" string", {name, line, "text"});
        const nlohmann::json result = {{"ids", tokenizer.encode(record["text"].get<std::string>(), false)}};
        out << result.dump() << '\n';
        ++count;
    });
    out.flush();
    return count;
}

} // namespace rlrf::model
