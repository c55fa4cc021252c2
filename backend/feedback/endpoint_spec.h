// SPDX-License-Identifier: GPL-3.0-or-later
// "endpoint:URL#MODEL", the one way a run names an OpenAI-compatible server: for
// its judge (--judge) and for its generator, the server that samples and refines
// (--generator). One parser, so both read and fail the same way.
#pragma once

#include <string>

namespace rlrf::feedback {

struct EndpointSpec {
    std::string baseUrl; // everything between "endpoint:" and the last '#'
    std::string model;   // after the last '#'
};

/// True when `spec` starts with "endpoint:" (it may still be malformed).
bool isEndpointSpec(const std::string &spec);

/// Splits "endpoint:URL#MODEL". `role` names what it is for ("judge",
/// "generator"); a spec without a URL or a model throws rlrf::Error
/// "an endpoint ROLE is written endpoint:URL#MODEL, got '…'" with `role` as field.
EndpointSpec parseEndpointSpec(const std::string &spec, const std::string &role);

} // namespace rlrf::feedback
