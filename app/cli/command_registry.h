// Subcommands register themselves here from their own source file, so adding a
// command means adding one file under app/cli/ and nothing else.
#pragma once

#include "cli/cli_args.h"

#include <functional>
#include <string>
#include <vector>

namespace rlrf::cli {

struct CommandSpec {
    std::string name;     // "info", or two words: "project new"
    std::string summary;  // one line for `rlrf --help`
    std::string usage;    // "rlrf info --model DIR"
    std::vector<OptionSpec> options;
    size_t minPositional = 0;
    size_t maxPositional = 0;
    std::string details;  // extra paragraphs for `rlrf NAME --help`
    std::function<int(const ParsedArgs &)> run;
};

class CommandRegistry {
public:
    static CommandRegistry &instance();

    void add(CommandSpec spec);
    const CommandSpec *find(const std::string &name) const;
    std::vector<const CommandSpec *> sorted() const;

private:
    std::vector<CommandSpec> m_commands;
};

// `static RegisterCommand reg{{...}};` in a command's source file.
struct RegisterCommand {
    explicit RegisterCommand(CommandSpec spec) { CommandRegistry::instance().add(std::move(spec)); }
};

// Help text of one command: usage, summary, options.
std::string commandHelp(const CommandSpec &spec);

} // namespace rlrf::cli
