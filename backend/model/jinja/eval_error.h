// A problem found while evaluating (a wrong type, an undefined value, a failed
// filter). Thrown by the value functions, which do not know the template; the
// interpreter turns it into rlrf::Error naming the template source and line.
#pragma once

#include <stdexcept>
#include <string>

namespace rlrf::jinja {

class EvalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// raise_exception(message) from inside the template.
class RaisedError : public EvalError {
public:
    using EvalError::EvalError;
};

} // namespace rlrf::jinja
