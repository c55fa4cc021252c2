// A parsed Jinja template, ready to render many times. The entry point of the
// interpreter for the rest of the backend (see model/chat_template.h for chats).
#pragma once

#include "model/jinja/value.h"

#include <memory>
#include <string>
#include <vector>

namespace rlrf::jinja {

struct Node;

class Template {
public:
    // Parses `source`; a syntax error, unknown filter or unknown test throws
    // rlrf::Error naming `sourceName` and the line.
    Template(const std::string &source, std::string sourceName);

    // Renders with the given top-level variables. Errors (raise_exception, type
    // errors, undefined values used as such) throw rlrf::Error naming the line.
    std::string render(const NamedValues &context) const;

    const std::string &sourceName() const { return m_name; }

private:
    std::string m_name;
    std::shared_ptr<const std::vector<std::unique_ptr<Node>>> m_nodes;
};

} // namespace rlrf::jinja
