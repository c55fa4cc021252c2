// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the splits, shared by every task.
#include "tasks/task.h"

#include "core/error.h"

namespace rlrf::tasks {

const char *toString(Split split)
{
    switch (split) {
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
    }
    return "unknown";
}

Split parseSplit(const std::string &text)
{
    for (Split s : {Split::Train, Split::Validation, Split::Test})
        if (text == toString(s))
            return s;
    throw Error("unknown split '" + text + "' (expected train, validation or test)", {{}, 0, "split"});
}

} // namespace rlrf::tasks
