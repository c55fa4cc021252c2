// `rlrf chat-template`: renders conversations with a model's chat template.
#include "cli/command_registry.h"

#include "core/error.h"
#include "model/chat_jsonl.h"
#include "model/chat_template.h"

#include <fstream>
#include <iostream>

namespace {

int run(const rlrf::cli::ParsedArgs &args)
{
    const auto chatTemplate = rlrf::model::ChatTemplate::load(args.required("model"), args.value("name"));
    const std::string input = args.required("input");
    if (input == "-") {
        rlrf::model::renderChatJsonl(chatTemplate, std::cin, "<stdin>", std::cout);
        return 0;
    }
    std::ifstream in(input, std::ios::binary);
    if (!in)
        throw rlrf::Error("cannot open file for reading", {input, 0, {}});
    rlrf::model::renderChatJsonl(chatTemplate, in, input, std::cout);
    return 0;
}

static rlrf::cli::RegisterCommand reg{{
    "chat-template",
    "render conversations with a model's chat template (JSONL in, JSONL out)",
    "rlrf chat-template --model DIR --input F.jsonl",
    {
        {"model", "DIR", "model folder with tokenizer_config.json or chat_template.jinja"},
        {"input", "F.jsonl", "one {\"messages\": [...], \"add_generation_prompt\": bool} a line; - = stdin"},
        {"name", "NAME", "which of several named templates (default: \"default\")"},
    },
    0,
    0,
    "Each input line gives one output line {\"text\": \"...\"} with the rendered prompt,\n"
    "exactly as transformers' apply_chat_template(tokenize=False) renders it. Other keys\n"
    "of an input line (tools, documents, enable_thinking, ...) are passed to the template.\n",
    run,
}};

} // namespace
