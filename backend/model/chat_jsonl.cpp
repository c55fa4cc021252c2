#include "model/chat_jsonl.h"

#include "core/error.h"

namespace rlrf::model {

namespace {

using ojson = nlohmann::ordered_json;

// Key order matters (tools print with tojson in the order given), hence ordered_json
// rather than the sorted reader in core/jsonl_reader.h.
ojson parseLine(const std::string &line, const std::string &inputName, long lineNo)
{
    try {
        return ojson::parse(line);
    } catch (const nlohmann::json::exception &e) { // parse_error, and out_of_range for numbers like 1e99999
        std::string cause = e.what();
        const auto at = cause.find("parse error");
        throw Error("invalid JSON: " + (at == std::string::npos ? cause : cause.substr(at)), {inputName, lineNo, {}});
    }
}

std::string renderRecord(const ChatTemplate &chatTemplate, const ojson &record, const std::string &inputName, long lineNo)
{
    if (!record.is_object())
        throw Error("expected a JSON object with \"messages\"", {inputName, lineNo, {}});
    if (!record.contains("messages"))
        throw Error("missing required field", {inputName, lineNo, "messages"});
    bool addGenerationPrompt = false;
    ojson extra = ojson::object();
    for (auto it = record.begin(); it != record.end(); ++it) {
        if (it.key() == "add_generation_prompt") {
            if (!it.value().is_boolean())
                throw Error("must be true or false", {inputName, lineNo, "add_generation_prompt"});
            addGenerationPrompt = it.value().get<bool>();
        } else if (it.key() != "messages") {
            extra[it.key()] = it.value();
        }
    }
    try {
        return chatTemplate.render(record["messages"], addGenerationPrompt, extra);
    } catch (const Error &e) {
        // Keep the template's own location in the message and add the input line.
        if (e.source().file.empty())
            throw Error(e.message(), {inputName, lineNo, e.source().field});
        throw Error(e.what(), {inputName, lineNo, {}});
    }
}

} // namespace

long renderChatJsonl(const ChatTemplate &chatTemplate, std::istream &in, const std::string &inputName, std::ostream &out)
{
    std::string line;
    long lineNo = 0;
    long rendered = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const ojson record = parseLine(line, inputName, lineNo);
        const std::string text = renderRecord(chatTemplate, record, inputName, lineNo);
        out << ojson{{"text", text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        ++rendered;
    }
    if (in.bad())
        throw Error("read error", {inputName, 0, {}});
    return rendered;
}

} // namespace rlrf::model
