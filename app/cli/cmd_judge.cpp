// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf judge`: rates responses with a task's rule judge and prints one critique
// JSON per input line. The judging lives in backend/feedback.
#include "cli/command_registry.h"

#include "feedback/arith_judge_records.h"

#include <iostream>

namespace {

int runJudge(const rlrf::cli::ParsedArgs &args)
{
    const std::string task = args.required("task");
    if (task != "arith")
        throw rlrf::cli::UsageError("unknown task '" + task + "' (tasks with a rule judge: arith)");
    rlrf::feedback::judgeArithRecords(args.required("input"), [](const nlohmann::json &critique) {
        std::cout << critique.dump() << '\n';
    });
    std::cout.flush();
    return 0;
}

rlrf::cli::RegisterCommand registerJudge{{
    "judge",
    "rate responses on the rubric's aspects with a task's rule judge",
    "rlrf judge --task arith --input FILE.jsonl",
    {
        {"task", "NAME", "the task whose rule judge rates (arith)"},
        {"input", "FILE", "JSONL with \"prompt\" or \"prompt_id\", and \"response\"; - reads stdin"},
    },
    0,
    0,
    "Prints per input line the critique: {\"line\", \"judge\", \"aspects\": [{\"aspect\",\n"
    "\"rating\" (1-3, 0 = not applicable), \"rationale\"}], \"overall\", \"reward\",\n"
    "\"parse_status\", \"raw_output\"}. A bad line stops with exit code 1 and names\n"
    "the line and the field.",
    runJudge,
}};

} // namespace
