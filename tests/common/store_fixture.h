// SPDX-License-Identifier: GPL-3.0-or-later
// A small but complete project built through the public repositories, for the
// store, export and review tests: two prompts, three candidates and a refinement,
// critiques with eight aspects, pairs. Nothing here answers for the code tested:
// every value is written by the fixture and read back by the test.
#pragma once

#include "store/project_file.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace rlrf::test {

/// Aspect names of rubrics/default.json, in order.
const std::vector<std::string> &defaultAspectNames();

/// A critique with all eight aspects rated `rating` and an overall score.
feedback::Critique makeCritique(int rating, double overall, const std::string &judge = "rule:fixture");

struct SmallProject {
    std::int64_t rubricVersionId = 0;
    std::int64_t promptA = 0, promptB = 0;
    std::int64_t candA1 = 0, candA2 = 0, candB1 = 0;
    std::int64_t refinedA2 = 0;             // refinement of candA2 using critA2
    std::int64_t critA1 = 0, critA2 = 0, critB1 = 0, critRefinedA2 = 0;
    std::int64_t pairA = 0;                 // chosen candA1 over candA2
    std::int64_t pairRefined = 0;           // chosen refinedA2 over candA2
};

/// Fills a new, empty project as described above.
SmallProject buildSmallProject(store::Project &project);

/// The repository's rubrics/ folder.
QString rubricPath(const QString &name);

} // namespace rlrf::test
