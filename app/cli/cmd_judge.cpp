// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf judge`: rates responses with a task's rule judge, or with any judge named by
// --judge against a rubric, and prints one critique JSON per input line. The
// judging lives in backend/feedback.
#include "cli/command_registry.h"

#include "core/error.h"
#include "core/jsonl_reader.h"
#include "feedback/judge_factory.h"
#include "tasks/arith/arith_judge_records.h"
#include "types/critique_json.h"
#include "types/rubric_io.h"

#include <iostream>

namespace {

// --judge SPEC --rubric FILE: the lines are read first, then judged as one batch
// (endpoints keep several requests in flight, local models batch generation).
int runNamedJudge(const rlrf::cli::ParsedArgs &args)
{
    using namespace rlrf::feedback;
    const Rubric rubric = loadRubricFile(args.required("rubric"));
    EndpointConfig endpoint;
    endpoint.concurrency = static_cast<int>(args.intValue("concurrency", endpoint.concurrency));
    endpoint.requestTimeoutSeconds = args.doubleValue("timeout", endpoint.requestTimeoutSeconds);
    const auto judge = makeJudge(args.required("judge"), endpoint);
    std::vector<JudgeRequest> requests;
    std::vector<long> lines;
    rlrf::jsonl::forEachLine(args.required("input"), [&](const nlohmann::json &record, long line) {
        if (!record.contains("prompt") || !record["prompt"].is_string() || !record.contains("response")
            || !record["response"].is_string())
            throw rlrf::Error("expected string fields \"prompt\" and \"response\"", {"", line});
        JudgeRequest r{record["prompt"], record["response"], std::nullopt};
        if (record.contains("reference"))
            r.reference = record["reference"].is_string() ? record["reference"].get<std::string>() : record["reference"].dump();
        requests.push_back(std::move(r));
        lines.push_back(line);
    });
    const auto critiques = judge->judgeBatch(requests, rubric, rlrf::RunContext{});
    for (size_t i = 0; i < critiques.size(); ++i) {
        auto json = critiqueToJson(critiques[i]);
        json["line"] = lines[i];
        std::cout << json.dump() << '\n';
    }
    std::cout.flush();
    return 0;
}

int runJudge(const rlrf::cli::ParsedArgs &args)
{
    if (args.has("judge"))
        return runNamedJudge(args);
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
    "rate responses on the rubric's aspects (rule, verifier, local model or endpoint judge)",
    "rlrf judge --task arith --input FILE.jsonl | rlrf judge --judge SPEC --rubric FILE --input FILE.jsonl",
    {
        {"task", "NAME", "the task whose rule judge rates (arith)"},
        {"input", "FILE", "JSONL with \"prompt\" or \"prompt_id\", and \"response\"; - reads stdin"},
        {"judge", "SPEC", "endpoint:URL#MODEL, model:DIR, verifier:TASK or rule:arith"},
        {"rubric", "FILE", "the rubric to fill (with --judge), e.g. rubrics/default.json"},
        {"concurrency", "N", "endpoint requests in flight (default 4)"},
        {"timeout", "SECONDS", "per endpoint request (default 120)"},
    },
    0,
    0,
    "Prints per input line the critique: {\"line\", \"judge\", \"aspects\": [{\"aspect\",\n"
    "\"rating\" (1-3, 0 = not applicable), \"rationale\"}], \"overall\", \"reward\",\n"
    "\"parse_status\", \"raw_output\"}. A bad line stops with exit code 1 and names\n"
    "the line and the field. With --judge, lines are {\"prompt\", \"response\", \"reference\"?}\n"
    "and an endpoint's API key is read from $RLRF_API_KEY, or else from the file named by\n"
    "$RLRF_API_KEY_FILE (one line; it must be readable by its owner only: chmod 600).",
    runJudge,
}};

} // namespace
