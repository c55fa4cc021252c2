#include "core/jsonl_reader.h"

#include "core/error.h"
#include "core/json_io.h"

#include <fstream>
#include <iostream>

namespace rlrf::jsonl {

void forEachLine(std::istream &in, const std::string &name,
                 const std::function<void(const nlohmann::json &, long)> &fn)
{
    std::string line;
    long number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        const nlohmann::json record = json::parse(line, name, number);
        try {
            fn(record, number);
        } catch (const Error &e) {
            // Add the line to errors raised while handling the record.
            if (e.source().line == 0)
                throw Error(e.message(), {name, number, e.source().field});
            throw;
        }
    }
    if (in.bad())
        throw Error("read error", {name, number});
}

void forEachLine(const std::string &path,
                 const std::function<void(const nlohmann::json &, long)> &fn)
{
    if (path == "-") {
        forEachLine(std::cin, "<stdin>", fn);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open file for reading", {path});
    forEachLine(in, path, fn);
}

} // namespace rlrf::jsonl
