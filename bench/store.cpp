// SPDX-License-Identifier: GPL-3.0-or-later
// Store benchmark: inserting critiques (each with eight aspect rows) in batches of
// one transaction, then, on a project grown to a million critiques, the queries the
// views make: the critiques of one prompt, a page of critiques, counts, status.
// Prints a table. Usage: bench_store [--total N] [--dir DIR] (defaults 1000000, /tmp).
#include "core/logging.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/project_status.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace rlrf;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kCandidatesPerPrompt = 10;
constexpr int kCritiquesPerCandidate = 5;
constexpr int kBatch = 1000;
const char *const kAspects[] = {"Factuality", "Logical Correctness", "Metacognition", "Insightfulness",
                                "Completeness", "Comprehension", "Readability", "Harmlessness"};

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

feedback::Critique critique(std::mt19937 &rng)
{
    feedback::Critique c;
    int sum = 0;
    for (const char *name : kAspects) {
        const int rating = 1 + static_cast<int>(rng() % 3);
        sum += rating;
        c.aspects.push_back({name, rating, std::string("The response ") + (rating == 3 ? "fully meets" : rating == 2 ? "partly meets" : "fails") + " this aspect."});
    }
    c.overall = (sum / 8.0 - 1.0) / 2.0;
    c.judge = "model:bench-judge";
    c.rawOutput = "Factuality: 2 - mostly right. Logical Correctness: 3 - each step follows. (raw judge text)";
    return c;
}

// Adds prompts and candidates for `prompts` prompts; returns the candidate ids.
std::vector<std::int64_t> addPromptsAndCandidates(store::Database &db, int prompts)
{
    store::PromptRepository promptRepo(db);
    store::CandidateRepository candidateRepo(db);
    std::vector<std::int64_t> candidates;
    store::Transaction tx(db);
    const auto set = promptRepo.createSet({0, "bench", "jsonl", "bench.jsonl", {}});
    for (int p = 0; p < prompts; ++p) {
        const auto prompt = promptRepo.insert({0, set, "Bench prompt number " + std::to_string(p) + "?", std::string("42"),
                                               store::Split::Train, "bench.jsonl", p + 1, "{}"});
        for (int c = 0; c < kCandidatesPerPrompt; ++c) {
            store::CandidateRecord r;
            r.promptId = prompt;
            r.text = "A candidate answer of moderate length, written for the benchmark; the answer is 42.";
            r.tokenCount = 24;
            r.seed = c;
            candidates.push_back(candidateRepo.insert(r));
        }
    }
    tx.commit();
    return candidates;
}

// Inserts critiques [from, to) round-robin over the candidates, kBatch per transaction.
double insertCritiques(store::Database &db, const std::vector<std::int64_t> &candidates, std::int64_t from,
                       std::int64_t to, std::mt19937 &rng)
{
    store::CritiqueRepository repo(db);
    const auto start = Clock::now();
    std::vector<store::NewCritique> batch;
    for (std::int64_t i = from; i < to; ++i) {
        // Candidate-major order: critique i belongs to candidate i / kCritiquesPerCandidate.
        batch.push_back({candidates[static_cast<size_t>(i / kCritiquesPerCandidate)], std::nullopt, critique(rng)});
        if (static_cast<int>(batch.size()) == kBatch || i + 1 == to) {
            repo.insertBatch(batch);
            batch.clear();
        }
    }
    return secondsSince(start);
}

// CPU time of this thread: on a loaded machine wall-clock percentiles mostly
// measure the scheduler, so the table shows both.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Timing {
    double medianMs, p95Ms, maxMs, cpuP95Ms;
};

template <typename Fn>
Timing timeMany(int runs, Fn fn)
{
    std::vector<double> ms, cpu;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        const double cpuStart = threadCpuMs();
        fn(i);
        cpu.push_back(threadCpuMs() - cpuStart);
        ms.push_back(secondsSince(start) * 1000.0);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    return {ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back(), cpu[cpu.size() * 95 / 100]};
}

void row(const char *what, const std::string &n, const std::string &result, const char *target)
{
    std::printf("| %-46s | %12s | %-38s | %-8s |\n", what, n.c_str(), result.c_str(), target);
}

std::string format(const char *pattern, double a, double b = 0, double c = 0)
{
    char buf[128];
    std::snprintf(buf, sizeof buf, pattern, a, b, c);
    return buf;
}

} // namespace

int main(int argc, char **argv)
{
    std::int64_t total = 1000000;
    std::string dir = std::filesystem::temp_directory_path().string();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--total") == 0)
            total = std::stoll(argv[i + 1]);
        else if (std::strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
    }
    log::init(spdlog::level::warn);
    const std::int64_t first = std::min<std::int64_t>(100000, total);
    const int prompts = static_cast<int>((total + kCandidatesPerPrompt * kCritiquesPerCandidate - 1)
                                         / (kCandidatesPerPrompt * kCritiquesPerCandidate));
    const std::string path = dir + "/bench_store_" + std::to_string(total) + ".rlrf";
    std::filesystem::remove(path);
    std::mt19937 rng(7);

    auto project = store::Project::create(path, {"bench", "models/demo", {}, 0});
    auto &db = project.db();
    auto start = Clock::now();
    const auto candidates = addPromptsAndCandidates(db, prompts);
    const double setup = secondsSince(start);

    std::printf("| %-46s | %12s | %-38s | %-8s |\n", "operation", "n", "result", "target");
    std::printf("|%s|%s|%s|%s|\n", std::string(48, '-').c_str(), std::string(14, '-').c_str(),
                std::string(40, '-').c_str(), std::string(10, '-').c_str());
    row("prompts + candidates (one transaction)", std::to_string(candidates.size()), format("%.2f s", setup), "");
    const double firstSeconds = insertCritiques(db, candidates, 0, first, rng);
    row("insert critiques, 8 aspects each, 1000/batch", std::to_string(first),
        format("%.2f s (%.0f critiques/s)", firstSeconds, first / firstSeconds), "< 10 s");
    if (total > first) {
        const double rest = insertCritiques(db, candidates, first, total, rng);
        row("grow to the full project (same batches)", std::to_string(total - first),
            format("%.1f s (%.0f critiques/s)", rest, (total - first) / rest), "");
    }

    store::CritiqueRepository critiques(db);
    std::mt19937 pick(11);
    const auto byPrompt = timeMany(500, [&](int) {
        const auto list = critiques.forPrompt(1 + static_cast<std::int64_t>(pick() % prompts));
        if (list.size() != kCandidatesPerPrompt * kCritiquesPerCandidate && total % 50 == 0)
            std::fprintf(stderr, "unexpected critique count %zu\n", list.size());
    });
    row("critiques of one prompt (50, with aspects)", std::to_string(total),
        format("median %.2f, p95 %.2f, max %.2f ms", byPrompt.medianMs, byPrompt.p95Ms, byPrompt.maxMs), "< 5 ms");
    row("  same, CPU time of the query (p95)", std::to_string(total), format("%.2f ms", byPrompt.cpuP95Ms), "");
    const auto byCandidate = timeMany(500, [&](int) {
        critiques.forCandidate(candidates[pick() % candidates.size()]);
    });
    row("critiques of one candidate (5)", std::to_string(total),
        format("median %.2f, p95 %.2f ms", byCandidate.medianMs, byCandidate.p95Ms), "");
    const auto pageStart = timeMany(50, [&](int) { critiques.page({0, 100, "overall", true, std::nullopt}); });
    row("page of 100 by overall, offset 0", std::to_string(total), format("median %.2f ms", pageStart.medianMs), "");
    const auto pageMiddle = timeMany(10, [&](int) { critiques.page({total / 2, 100, "id", false, std::nullopt}); });
    row("page of 100 by id, offset n/2", std::to_string(total), format("median %.2f ms", pageMiddle.medianMs), "");
    const auto middleRow = critiques.page({total / 2, 1, "id", false, std::nullopt}).at(0).id;
    const auto keyset = timeMany(50, [&](int) { critiques.page({0, 100, "id", false, middleRow}); });
    row("page of 100 by id after row n/2 (keyset)", std::to_string(total), format("median %.2f ms", keyset.medianMs), "");
    const auto middleByOverall = critiques.page({total / 2, 1, "overall", true, std::nullopt}).at(0).id;
    const auto keysetOverall = timeMany(50, [&](int) { critiques.page({0, 100, "overall", true, middleByOverall}); });
    row("page of 100 by overall after row n/2 (keyset)", std::to_string(total),
        format("median %.2f ms", keysetOverall.medianMs), "");
    const auto counting = timeMany(10, [&](int) { critiques.count(); });
    row("count critiques", std::to_string(total), format("median %.2f ms", counting.medianMs), "");
    const auto status = timeMany(5, [&](int) { store::projectStatus(project); });
    row("project status (all counts)", std::to_string(total), format("median %.1f ms", status.medianMs), "");
    row("file size", "", format("%.0f MB", std::filesystem::file_size(path) / 1e6), "");
    std::printf("\nproject file: %s (deleted)\n", path.c_str());
    std::filesystem::remove(path);
    return 0;
}
