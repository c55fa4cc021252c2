#include "model/jinja/template.h"

#include "model/jinja/interpreter.h"
#include "model/jinja/lexer.h"
#include "model/jinja/parser.h"

namespace rlrf::jinja {

Template::Template(const std::string &source, std::string sourceName)
    : m_name(std::move(sourceName))
    , m_nodes(std::make_shared<const NodeList>(parse(tokenize(source, m_name), m_name)))
{
}

std::string Template::render(const NamedValues &context) const
{
    return Interpreter(m_name, context).run(*m_nodes);
}

} // namespace rlrf::jinja
