// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/lora_args.h"

#include "core/error.h"

namespace rlrf::cli {

std::vector<OptionSpec> loraOptions()
{
    return {{"lora-r", "N", "train a LoRA adapter of rank N instead of every weight (0 = off, the default)"},
            {"lora-alpha", "A", "LoRA alpha; the update is scaled by alpha / r (default 16)"},
            {"lora-dropout", "P", "dropout on the adapter's input while training (default 0)"},
            {"lora-targets", "LIST", "layers to adapt: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj "
                                     "or all-linear (the default)"}};
}

train::LoraSettings loraFrom(const ParsedArgs &args, train::LoraSettings settings)
{
    const bool any = args.has("lora-r") || args.has("lora-alpha") || args.has("lora-dropout") || args.has("lora-targets");
    if (!any)
        return settings;
    settings.rank = args.intValue("lora-r", settings.rank);
    if (settings.rank == 0 && !args.has("lora-r"))
        throw UsageError("--lora-alpha, --lora-dropout and --lora-targets need --lora-r N");
    settings.alpha = args.doubleValue("lora-alpha", settings.alpha);
    settings.dropout = args.doubleValue("lora-dropout", settings.dropout);
    try {
        if (args.has("lora-targets"))
            settings.targetModules = train::parseLoraTargets(args.value("lora-targets"), "--lora-targets");
        train::validate(settings, "command line");
    } catch (const Error &e) {
        throw UsageError(e.what());
    }
    return settings;
}

} // namespace rlrf::cli
