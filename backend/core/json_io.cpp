#include "core/json_io.h"

#include "core/error.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace rlrf::json {

std::string readTextFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open file for reading", {path});
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad())
        throw Error("read error", {path});
    return buffer.str();
}

nlohmann::json parse(const std::string &text, const std::string &fileForErrors, long firstLine)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        // e.byte is 1-based; count the newlines before it to name the line.
        long line = firstLine;
        const size_t end = std::min(text.size(), e.byte > 0 ? e.byte - 1 : 0);
        for (size_t i = 0; i < end; ++i)
            line += text[i] == '\n';
        std::string cause = e.what();
        const auto colon = cause.find("parse error");
        if (colon != std::string::npos)
            cause = cause.substr(colon);
        throw Error("invalid JSON: " + cause, {fileForErrors, line});
    } catch (const nlohmann::json::exception &e) {
        // Well-formed but out of range, as a number like 1e99999 (out_of_range.406).
        throw Error(std::string("invalid JSON: ") + e.what(), {fileForErrors, firstLine});
    }
}

nlohmann::json readFile(const std::string &path)
{
    return parse(readTextFile(path), path);
}

void writeFileAtomically(const std::string &path, const std::string &contents)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("cannot open file for writing", {tmp});
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.flush();
        if (!out)
            throw Error("write failed (disk full?)", {tmp});
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error("cannot move the written file into place", {path});
    }
}

} // namespace rlrf::json
