// SPDX-License-Identifier: GPL-3.0-or-later
// A stored pair as the token ids DPO trains on, the same for the pipeline's train
// stage and for a DPO run launched on approved pairs: the prompt as the policy saw
// it when answering, the chosen answer plus EOS, and the rejected answer plus EOS
// or, when asked, cut after the first line its critique flags (no EOS): what
// follows a slip is often right given the slip, and DPO would push it down too.
// Edited pairs stay whole: their critique may describe the old text.
// Everything is re-encoded from stored text with the local policy's tokenizer
// and chat template (sampled ids are not kept). For an answer from a generator
// endpoint that means: the prompt as the local template renders it, whatever
// template the server applied, and the answer as the ids this tokenizer gives
// its text, which the reference model scores too. Pure: the caller reads the
// pair and its critique (pipeline/train/stored_pairs.h does it from the store).
// Torch-free.
#pragma once

#include "train/dpo_trainer_pairs.h"
#include "types/records.h"

#include <string>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::pipeline {

/// An answer as the policy learns it: its tokens, then the end-of-text id.
std::vector<std::int64_t> answerIds(const model::TextModel &policy, const std::string &text);

/// `rejectedCritique`: the rejected answer's critique, to cut it after its first
/// flagged line; null keeps it whole.
train::DpoPair pairTokens(const model::TextModel &policy, const store::PairRecord &pair, const std::string &promptText,
                          const feedback::Critique *rejectedCritique);

} // namespace rlrf::pipeline
