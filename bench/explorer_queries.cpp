// SPDX-License-Identifier: GPL-3.0-or-later
// Explorer benchmark: on a project with a million critiques (25,000 prompts ×
// 8 candidates × 5 critiques, each with eight aspect rows, inserted through the
// store's batch path), the queries behind the Explorer's lazy prompt list and
// candidate view: the first page as the list opens, scrolling page after page
// (keyset paging), the first page sorted by score or gap (these compute every
// prompt's summary; the GUI computes that order once on the backend thread and
// then reads pages by id), a deep page, and the candidates of one prompt. What the
// GUI's PromptTableModel adds on top is copying rows into the model.
// Usage: bench_explorer_queries [--total N] [--dir DIR] [--reuse]
#include "core/logging.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/explorer_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace rlrf;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kCandidatesPerPrompt = 8;
constexpr int kCritiquesPerCandidate = 5;
constexpr int kPage = 200; // PromptTableModel::kPageSize
const char *const kAspects[] = {"Factuality", "Logical Correctness", "Metacognition", "Insightfulness",
                                "Completeness", "Comprehension", "Readability", "Harmlessness"};

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

feedback::Critique critique(std::mt19937 &rng)
{
    feedback::Critique c;
    int sum = 0;
    for (const char *name : kAspects) {
        const int rating = 1 + static_cast<int>(rng() % 3);
        sum += rating;
        c.aspects.push_back({name, rating, "The response partly meets this aspect; one step is unclear."});
    }
    c.overall = (sum / 8.0 - 1.0) / 2.0;
    c.judge = "model:bench-judge";
    c.rawOutput = "(raw judge text)";
    return c;
}

void build(const std::string &path, std::int64_t total)
{
    std::filesystem::remove(path);
    auto project = store::Project::create(path, {"bench", "models/demo", {}, 0});
    auto &db = project.db();
    const int prompts = static_cast<int>(total / (kCandidatesPerPrompt * kCritiquesPerCandidate));
    std::vector<std::int64_t> candidates;
    {
        store::Transaction tx(db);
        store::PromptRepository promptRepo(db);
        store::CandidateRepository candidateRepo(db);
        const auto set = promptRepo.createSet({0, "bench", "jsonl", "bench.jsonl", {}});
        for (int p = 0; p < prompts; ++p) {
            const auto id = promptRepo.insert({0, set, "Bench prompt number " + std::to_string(p) + ": what is 6 * 7?",
                                               std::string("42"), store::Split::Train, "bench.jsonl", p + 1, "{}"});
            for (int c = 0; c < kCandidatesPerPrompt; ++c) {
                store::CandidateRecord r;
                r.promptId = id;
                r.text = "6 * 7 = 42\nAnswer: 42";
                r.tokenCount = 20;
                r.seed = c;
                candidates.push_back(candidateRepo.insert(r));
            }
        }
        tx.commit();
    }
    store::CritiqueRepository repo(db);
    std::mt19937 rng(7);
    std::vector<store::NewCritique> batch;
    const auto start = Clock::now();
    for (std::int64_t i = 0; i < total; ++i) {
        batch.push_back({candidates[static_cast<size_t>(i / kCritiquesPerCandidate)], std::nullopt, critique(rng)});
        if (batch.size() == 1000 || i + 1 == total) {
            repo.insertBatch(batch);
            batch.clear();
        }
    }
    std::printf("built %s: %d prompts, %zu candidates, %lld critiques in %.1f s\n", path.c_str(), prompts,
                candidates.size(), static_cast<long long>(total), msSince(start) / 1000.0);
}

template <typename Fn>
double medianMs(int runs, Fn fn)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        fn(i);
        ms.push_back(msSince(start));
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

void row(const char *what, double ms)
{
    std::printf("| %-58s | %10.2f ms |\n", what, ms);
}

// Scrolls `pages` pages in `sortKey` order the way the model does (keyset).
double scrollMs(store::ExplorerRepository &explorer, const std::string &sortKey, int pages, std::int64_t *rows)
{
    std::optional<std::int64_t> after;
    std::vector<double> ms;
    *rows = 0;
    for (int i = 0; i < pages; ++i) {
        const auto start = Clock::now();
        const auto page = explorer.prompts({0, kPage, sortKey, true, after});
        ms.push_back(msSince(start));
        if (page.empty())
            break;
        *rows += static_cast<std::int64_t>(page.size());
        after = page.back().id;
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    std::int64_t total = 1000000;
    std::string dir = std::filesystem::temp_directory_path().string();
    bool reuse = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--total") == 0 && i + 1 < argc)
            total = std::stoll(argv[++i]);
        else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (std::strcmp(argv[i], "--reuse") == 0)
            reuse = true;
    }
    log::init(spdlog::level::warn);
    const std::string path = dir + "/bench_explorer_" + std::to_string(total) + ".rlrf";
    if (!reuse || !std::filesystem::exists(path))
        build(path, total);

    store::Database db(path, store::OpenMode::OpenExisting); // a read connection, as the GUI's
    store::ExplorerRepository explorer(db);
    std::printf("| %-58s | %13s |\n", "Explorer query (1 read connection)", "median");
    std::printf("|%s|%s|\n", std::string(60, '-').c_str(), std::string(15, '-').c_str());
    std::int64_t count = 0;
    row("count prompts (the list's total)", medianMs(20, [&](int) { count = explorer.countPrompts(); }));
    row("first page of 200 by id (the list opens)", medianMs(20, [&](int) { explorer.prompts({0, kPage, "id", false, {}}); }));
    std::int64_t scrolled = 0;
    row("next page by id while scrolling (median of 50 pages)", scrollMs(explorer, "id", 50, &scrolled));
    row("first page of 200 by score (every prompt summarised)", medianMs(3, [&](int) { explorer.prompts({0, kPage, "score", true, {}}); }));
    row("next page by score while scrolling (median of 10 pages)", scrollMs(explorer, "score", 10, &scrolled));
    row("first page of 200 by gap", medianMs(3, [&](int) { explorer.prompts({0, kPage, "gap", true, {}}); }));
    std::vector<std::int64_t> order;
    row("order of every prompt by score (backend thread, once)", medianMs(3, [&](int) { order = explorer.promptOrder("score", true); }));
    row("page of 200 by ids in that order (GUI thread, scrolling)", medianMs(50, [&](int i) {
            const size_t from = static_cast<size_t>(i) * kPage % order.size();
            explorer.promptsByIds({order.begin() + static_cast<std::ptrdiff_t>(from),
                                   order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), from + kPage))});
        }));
    const auto deep = explorer.prompts({count / 2, 1, "id", false, {}}).at(0).id;
    row("page of 200 by id after the middle row (keyset)", medianMs(20, [&](int) { explorer.prompts({0, kPage, "id", false, deep}); }));
    store::PromptFilter search;
    search.search = "number 12345:";
    row("search 'number 12345:' (substring, full scan)", medianMs(5, [&](int) { explorer.prompts({0, kPage, "id", false, {}}, search); }));
    std::mt19937 pick(3);
    row("candidates of one prompt with 40 critiques", medianMs(200, [&](int) {
            explorer.candidatesOf(1 + static_cast<std::int64_t>(pick() % static_cast<unsigned>(count)));
        }));
    std::printf("(%lld prompts, %lld critiques)\n", static_cast<long long>(count),
                static_cast<long long>(store::CritiqueRepository(db).count()));
    return 0;
}
