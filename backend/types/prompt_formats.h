// SPDX-License-Identifier: GPL-3.0-or-later
// The conversations the policy sees at each step of both methods. The demo model
// is trained on exactly these (backend/demo), the RLRF pipeline refines with them
// and Reflect-Retry-Reward reflects and retries with them, so they live in one
// place: change a wording here and the demo model must be retrained.
//
// Every function returns chat messages ([{"role", "content"}, ...]) for the
// model's chat template, ending with a user turn (render with the generation
// prompt). Torch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rlrf::prompts {

using Messages = nlohmann::ordered_json;

/// First attempt: the task prompt as one user message.
Messages answerMessages(const std::string &prompt);

/// RLRF refinement: the prompt, the answer being refined and the judge's
/// feedback (feedback::refinementFeedback), asking for a corrected answer. One
/// user message so the policy sees it as a fresh request.
Messages refinementMessages(const std::string &prompt, const std::string &answer, const std::string &feedback);

/// Reflect, Retry, Reward, step 1: after a failed attempt the model is told so
/// and asked to reflect. The reflection is the assistant turn that follows.
Messages reflectionMessages(const std::string &prompt, const std::string &failedAttempt);

/// Step 2: the reflection stays in context and the model tries again; the retry
/// is the assistant turn that follows.
Messages retryMessages(const std::string &prompt, const std::string &failedAttempt, const std::string &reflection);

/// The fixed wordings, for the GUI's teaching view and for tests.
extern const char *const kRefineInstruction;
extern const char *const kReflectRequest;
extern const char *const kRetryRequest;

} // namespace rlrf::prompts
