#pragma once

#include <cstdint>
#include <string>

namespace rlrf {

struct Progress {
    std::int64_t done = 0;
    std::int64_t total = 0; // 0 = unknown
    std::string stage;      // "sample", "critique", "dpo", ...
};

// How a long backend call ended. Outcomes, not exceptions, cross the facade.
enum class Outcome { Succeeded, Cancelled, Failed };

inline const char *toString(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded: return "succeeded";
    case Outcome::Cancelled: return "cancelled";
    case Outcome::Failed: return "failed";
    }
    return "unknown";
}

} // namespace rlrf
