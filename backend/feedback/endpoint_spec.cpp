// SPDX-License-Identifier: GPL-3.0-or-later
#include "feedback/endpoint_spec.h"

#include "core/error.h"

namespace rlrf::feedback {

namespace {
const std::string kPrefix = "endpoint:";
}

bool isEndpointSpec(const std::string &spec)
{
    return spec.rfind(kPrefix, 0) == 0;
}

EndpointSpec parseEndpointSpec(const std::string &spec, const std::string &role)
{
    // The last '#' splits: a URL may hold one in a fragment, a served model name
    // (a Hugging Face id, a GGUF file name) practically never does.
    const std::string rest = isEndpointSpec(spec) ? spec.substr(kPrefix.size()) : std::string();
    const auto hash = rest.rfind('#');
    if (rest.empty() || hash == std::string::npos || hash == 0 || hash + 1 == rest.size())
        throw Error("an endpoint " + role + " is written endpoint:URL#MODEL, got '" + spec + "'", {"", 0, role});
    return {rest.substr(0, hash), rest.substr(hash + 1)};
}

} // namespace rlrf::feedback
