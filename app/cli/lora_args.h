// SPDX-License-Identifier: GPL-3.0-or-later
// The LoRA options shared by the training commands (sft, dpo, rrr):
// --lora-r, --lora-alpha, --lora-dropout, --lora-targets.
#pragma once

#include "cli/cli_args.h"
#include "types/lora_config.h"

#include <vector>

namespace rlrf::cli {

std::vector<OptionSpec> loraOptions();

// `settings` (from a config file, say) with the command line's LoRA options
// applied; throws UsageError naming the option for a bad value.
train::LoraSettings loraFrom(const ParsedArgs &args, train::LoraSettings settings);

} // namespace rlrf::cli
