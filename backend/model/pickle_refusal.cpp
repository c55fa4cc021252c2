// SPDX-License-Identifier: GPL-3.0-or-later
// Pickle checkpoints (torch.save) are never loaded: unpickling runs whatever code
// the file names, so a downloaded model could take over the machine.
#include "model/safetensors_checkpoint.h"

#include "core/error.h"

#include <algorithm>
#include <filesystem>

namespace rlrf::model {

namespace {

bool endsWith(const std::string &text, const std::string &suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

bool looksLikePickleCheckpoint(const std::string &path)
{
    std::string name = std::filesystem::path(path).filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (name == "pytorch_model.bin.index.json")
        return true;
    for (const char *suffix : {".bin", ".pt", ".pth", ".ckpt"})
        if (endsWith(name, suffix))
            return true;
    return false;
}

void refusePickleCheckpoint(const std::string &path)
{
    throw Error("pickle checkpoints are refused: loading one can run arbitrary code hidden in the file. "
                "Convert it once to safetensors in Python, in an environment you trust, e.g. "
                "`AutoModelForCausalLM.from_pretrained(DIR).save_pretrained(OUT, safe_serialization=True)`, "
                "or `safetensors.torch.save_file(torch.load(FILE, weights_only=True), \"model.safetensors\", "
                "metadata={\"format\": \"pt\"})`",
                {path, 0, {}});
}

} // namespace rlrf::model
