// SPDX-License-Identifier: GPL-3.0-or-later
// The names of the metric points trainers report and the project stores
// (metric_points.key): one table, so a trainer, the store, the curves and the
// CLI cannot drift apart. TRL's names where TRL has one ("rewards/margins").
#pragma once

namespace rlrf::metrics {

// Any recorded run (pipeline/run/recorded_run): the optimizer steps it will take,
// written at step 0 once known, so a window can show done/total and an ETA.
inline constexpr const char *kRunTotalSteps = "run/total_steps";

// DPO (train/dpo_trainer)
inline constexpr const char *kDpoGradNorm = "dpo/grad_norm";
inline constexpr const char *kDpoLearningRate = "dpo/learning_rate";
inline constexpr const char *kDpoLogpsChosen = "dpo/logps/chosen";
inline constexpr const char *kDpoLogpsRejected = "dpo/logps/rejected";
inline constexpr const char *kDpoLoss = "dpo/loss";
inline constexpr const char *kDpoRewardsAccuracies = "dpo/rewards/accuracies";
inline constexpr const char *kDpoRewardsChosen = "dpo/rewards/chosen";
inline constexpr const char *kDpoRewardsMargins = "dpo/rewards/margins";
inline constexpr const char *kDpoRewardsRejected = "dpo/rewards/rejected";
inline constexpr const char *kDpoTokensPerSecond = "dpo/tokens_per_second";

// Reflect-Retry-Reward (pipeline/rrr, train/grpo_trainer)
inline constexpr const char *kRrrClipFraction = "rrr/clip_fraction";
inline constexpr const char *kRrrGradNorm = "rrr/grad_norm";
inline constexpr const char *kRrrKl = "rrr/kl";
inline constexpr const char *kRrrLearningRate = "rrr/learning_rate";
inline constexpr const char *kRrrLoss = "rrr/loss";
inline constexpr const char *kRrrReflectionTokens = "rrr/reflection_tokens";
inline constexpr const char *kRrrRetryInRowShare = "rrr/retry_in_row_share";
inline constexpr const char *kRrrRewardMean = "rrr/reward_mean";
inline constexpr const char *kRrrRewardStd = "rrr/reward_std";
inline constexpr const char *kRrrSeconds = "rrr/seconds";
inline constexpr const char *kRrrTrainedRows = "rrr/trained_rows";
inline constexpr const char *kRrrZeroSpreadShare = "rrr/zero_spread_share";

// supervised fine-tuning (train/sft_trainer)
inline constexpr const char *kSftEvalLoss = "sft/eval_loss";
inline constexpr const char *kSftGradNorm = "sft/grad_norm";
inline constexpr const char *kSftLearningRate = "sft/learning_rate";
inline constexpr const char *kSftLoss = "sft/loss";
inline constexpr const char *kSftTokensPerSecond = "sft/tokens_per_second";

} // namespace rlrf::metrics
