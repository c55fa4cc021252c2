// SPDX-License-Identifier: GPL-3.0-or-later
// Whether a run's training queries are problems the model was fine-tuned on.
// The generated tasks draw the training split as one stream per seed, so
// `rlrf rrr --seed S` on a model that `rlrf train-demo` made from that task's
// training problems with data seed S trains on the first of those very
// problems: the failures it mines are the ones fine-tuning could not fix, not
// the model's ordinary mistakes (on countdown-demo, seed 3 gave the best gain
// of three seeds on both fresh test sets). Torch-free.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::rrr {

/// A warning naming the recipe, task and seed when `modelDir`'s recipe.json (as
/// train-demo writes it) says the model was fine-tuned on `task`'s training
/// problems, of the sizes the run's task draws, drawn with `seed`; nothing when
/// it did not (another task, seed or size), or when there is no
/// readable recipe (the file is a description, not an input of the run).
std::optional<std::string> seenTrainingQueriesWarning(const std::string &modelDir, const std::string &task,
                                                      std::uint64_t seed);

} // namespace rlrf::rrr
