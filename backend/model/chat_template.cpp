#include "model/chat_template.h"

#include "core/error.h"
#include "core/json_io.h"
#include "core/logging.h"
#include "model/jinja/eval_error.h"
#include "model/jinja/template.h"

#include <filesystem>

namespace rlrf::model {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

struct ChatTemplate::Impl {
    std::string source;
    std::string sourceName;
    ojson specialTokens;
    jinja::Template compiled;
    // A list of named templates may hold a "tool_use" one, which transformers
    // picks instead of "default" when tools are given.
    std::shared_ptr<const jinja::Template> toolUse;
};

namespace {

const char *kConfigFile = "tokenizer_config.json";
const char *kJinjaFile = "chat_template.jinja";

// tokenizer_config.json in key order; a parse error names the file and line.
ojson readConfig(const std::string &path)
{
    const std::string text = json::readTextFile(path);
    json::parse(text, path); // validates with a message naming the line
    return ojson::parse(text);
}

// The special tokens of a tokenizer_config.json as template variables: every
// "*_token" given as a string or {"content": ...}, and additional_special_tokens.
ojson specialTokensOf(const ojson &config)
{
    ojson tokens = ojson::object();
    if (!config.is_object())
        return tokens;
    auto content = [](const ojson &v) -> ojson {
        if (v.is_string())
            return v;
        if (v.is_object() && v.contains("content") && v["content"].is_string())
            return v["content"];
        return nullptr;
    };
    for (auto it = config.begin(); it != config.end(); ++it) {
        const std::string &key = it.key();
        if (key.size() > 6 && key.compare(key.size() - 6, 6, "_token") == 0) {
            ojson value = content(it.value());
            if (!value.is_null())
                tokens[key] = value;
        } else if (key == "additional_special_tokens" && it.value().is_array()) {
            ojson list = ojson::array();
            for (const auto &t : it.value())
                if (ojson value = content(t); !value.is_null())
                    list.push_back(value);
            tokens[key] = list;
        }
    }
    return tokens;
}

std::string templateFromConfig(const ojson &config, const std::string &path, const std::string &name)
{
    const auto it = config.is_object() ? config.find("chat_template") : config.end();
    if (it == config.end() || it->is_null())
        throw Error("no chat template: the model folder has no chat_template.jinja and this file has no "
                    "\"chat_template\"",
                    {path, 0, "chat_template"});
    const std::string wanted = name.empty() ? "default" : name;
    if (it->is_string()) {
        if (!name.empty() && name != "default")
            throw Error("no chat template named '" + name + "' (the file has a single template)", {path, 0, "chat_template"});
        return it->get<std::string>();
    }
    if (!it->is_array())
        throw Error("expected a string or a list of {\"name\", \"template\"}", {path, 0, "chat_template"});
    std::string names;
    for (const auto &entry : *it) {
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() || !entry.contains("template")
            || !entry["template"].is_string())
            throw Error("each entry must be {\"name\": string, \"template\": string}", {path, 0, "chat_template"});
        if (entry["name"] == wanted)
            return entry["template"].get<std::string>();
        names += (names.empty() ? "" : ", ") + entry["name"].get<std::string>();
    }
    throw Error("no chat template named '" + wanted + "' (there are: " + names + ")", {path, 0, "chat_template"});
}

void checkMessages(const ojson &messages)
{
    if (!messages.is_array())
        throw Error("messages must be a JSON array of {\"role\", \"content\"} objects", {{}, 0, "messages"});
    for (size_t i = 0; i < messages.size(); ++i) {
        const std::string field = "messages[" + std::to_string(i) + "]";
        if (!messages[i].is_object())
            throw Error("a message must be a JSON object", {{}, 0, field});
        if (!messages[i].contains("role") || !messages[i]["role"].is_string())
            throw Error("a message needs a string \"role\"", {{}, 0, field});
    }
}

} // namespace

ChatTemplate::ChatTemplate(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}

ChatTemplate ChatTemplate::fromSource(const std::string &source, const std::string &sourceName, const ojson &specialTokens)
{
    auto impl = std::make_shared<Impl>(Impl{source, sourceName, specialTokensOf(specialTokens), jinja::Template(source, sourceName), nullptr});
    return ChatTemplate(std::move(impl));
}

ChatTemplate ChatTemplate::load(const std::string &modelDir, const std::string &name)
{
    const fs::path dir(modelDir);
    if (!fs::is_directory(dir))
        throw Error("model folder not found", {modelDir, 0, {}});
    const std::string configPath = (dir / kConfigFile).string();
    const std::string jinjaPath = (dir / kJinjaFile).string();
    const bool hasConfig = fs::exists(configPath);
    const ojson config = hasConfig ? readConfig(configPath) : ojson::object();
    if (fs::exists(jinjaPath) && (name.empty() || name == "default")) {
        rlrf::log::get("model")->debug("chat template from {}", jinjaPath);
        return fromSource(json::readTextFile(jinjaPath), jinjaPath, config);
    }
    if (!hasConfig)
        throw Error("no chat template: neither chat_template.jinja nor tokenizer_config.json is in the model folder",
                    {modelDir, 0, {}});
    const std::string sourceName = configPath + " (chat_template)";
    ChatTemplate result = fromSource(templateFromConfig(config, configPath, name), sourceName, config);
    const ojson &entries = config["chat_template"];
    if (name.empty() && entries.is_array()) {
        for (const auto &entry : entries) {
            if (entry["name"] == "tool_use") {
                auto impl = std::make_shared<Impl>(*result.m_impl);
                impl->toolUse = std::make_shared<const jinja::Template>(entry["template"].get<std::string>(),
                                                                        configPath + " (chat_template 'tool_use')");
                return ChatTemplate(std::move(impl));
            }
        }
    }
    return result;
}

std::string ChatTemplate::render(const ojson &messages, bool addGenerationPrompt, const ojson &extra) const
{
    checkMessages(messages);
    if (!extra.is_object())
        throw Error("extra template variables must be a JSON object");
    jinja::NamedValues context;
    auto convert = [](const ojson &value, const std::string &field) {
        try {
            return jinja::Value::fromJson(value);
        } catch (const jinja::EvalError &e) {
            throw Error(e.what(), {{}, 0, field});
        }
    };
    for (auto it = m_impl->specialTokens.begin(); it != m_impl->specialTokens.end(); ++it)
        context.emplace_back(it.key(), convert(it.value(), it.key()));
    context.emplace_back("tools", jinja::Value::none());
    context.emplace_back("documents", jinja::Value::none());
    for (auto it = extra.begin(); it != extra.end(); ++it)
        context.emplace_back(it.key(), convert(it.value(), it.key()));
    context.emplace_back("messages", convert(messages, "messages"));
    context.emplace_back("add_generation_prompt", jinja::Value::boolean(addGenerationPrompt));
    const bool hasTools = extra.contains("tools") && !extra["tools"].is_null();
    return (hasTools && m_impl->toolUse ? *m_impl->toolUse : m_impl->compiled).render(context);
}

const std::string &ChatTemplate::source() const { return m_impl->source; }
const std::string &ChatTemplate::sourceName() const { return m_impl->sourceName; }
const ojson &ChatTemplate::specialTokens() const { return m_impl->specialTokens; }

void saveChatTemplate(const std::string &modelDir, const std::string &source)
{
    const fs::path dir(modelDir);
    if (!fs::is_directory(dir))
        throw Error("model folder not found", {modelDir, 0, {}});
    const std::string configPath = (dir / kConfigFile).string();
    ojson config = fs::exists(configPath) ? readConfig(configPath) : ojson::object();
    if (!config.is_object())
        throw Error("expected a JSON object", {configPath, 0, {}});
    config["chat_template"] = source;
    json::writeFileAtomically(configPath, config.dump(2) + "\n");
    json::writeFileAtomically((dir / kJinjaFile).string(), source);
}

} // namespace rlrf::model
