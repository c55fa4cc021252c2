// SPDX-License-Identifier: GPL-3.0-or-later
#include "tasks/task_registry.h"

#include "core/error.h"
#include "tasks/arith/arith_task.h"
#include "tasks/countdown/countdown_task.h"

namespace rlrf::tasks {

std::vector<std::string> taskNames()
{
    return {"arith", "countdown"};
}

std::unique_ptr<Task> makeTask(const std::string &name)
{
    if (name == "arith")
        return std::make_unique<ArithTask>();
    if (name == "countdown")
        return std::make_unique<CountdownTask>();
    std::string known;
    for (const auto &n : taskNames())
        known += (known.empty() ? "" : ", ") + n;
    throw Error("unknown task '" + name + "' (known: " + known + ")", {"", 0, "task"});
}

} // namespace rlrf::tasks
