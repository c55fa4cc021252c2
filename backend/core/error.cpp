#include "core/error.h"

namespace rlrf {

Error::Error(std::string message, ErrorSource source)
    : std::runtime_error(compose(message, source))
    , m_message(std::move(message))
    , m_source(std::move(source))
{
}

Error Error::withStage(const std::string &stage) const
{
    return Error(stage + ": " + m_message, m_source);
}

std::string Error::compose(const std::string &message, const ErrorSource &source)
{
    std::string where = source.file;
    if (source.line > 0)
        where += (where.empty() ? "line " : ":") + std::to_string(source.line);
    if (!source.field.empty())
        where += (where.empty() ? "" : ": ") + std::string("'") + source.field + "'";
    return where.empty() ? message : where + ": " + message;
}

} // namespace rlrf
