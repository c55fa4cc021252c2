#include "cli/command_registry.h"

#include <algorithm>
#include <sstream>

namespace rlrf::cli {

CommandRegistry &CommandRegistry::instance()
{
    static CommandRegistry registry;
    return registry;
}

void CommandRegistry::add(CommandSpec spec)
{
    m_commands.push_back(std::move(spec));
}

const CommandSpec *CommandRegistry::find(const std::string &name) const
{
    for (const auto &c : m_commands)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::vector<const CommandSpec *> CommandRegistry::sorted() const
{
    std::vector<const CommandSpec *> list;
    for (const auto &c : m_commands)
        list.push_back(&c);
    std::sort(list.begin(), list.end(), [](auto a, auto b) { return a->name < b->name; });
    return list;
}

std::string commandHelp(const CommandSpec &spec)
{
    std::ostringstream out;
    out << "usage: " << spec.usage << "\n\n" << spec.summary << "\n";
    if (!spec.details.empty())
        out << "\n" << spec.details << "\n";
    if (!spec.options.empty()) {
        out << "\noptions:\n";
        for (const auto &o : spec.options) {
            std::string left = "  --" + o.name + (o.valueName.empty() ? "" : " " + o.valueName);
            if (left.size() < 28)
                left.resize(28, ' ');
            else
                left += "  ";
            out << left << o.help << "\n";
        }
    }
    out << "  --help                    this help\n";
    return out.str();
}

} // namespace rlrf::cli
