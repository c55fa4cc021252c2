// Batch scoring of JSONL for `rlrf score`: each record {"prompt_ids", "completion_ids"}
// or {"prompt", "completion"} becomes one line {"token_logprobs": [...], "logprob": total}.
#pragma once

#include "model/text_model.h"

#include <ostream>
#include <string>

namespace rlrf::model {

// Text records: the prompt is encoded as the model's tokenizer does by default
// (with its post-processor, e.g. a Llama BOS) and the completion without special
// tokens, separately, as preference trainers do. Records are scored in batches;
// output order is input order. A malformed line, a record with neither form, an
// empty prompt or an id outside the vocabulary throws rlrf::Error naming the file
// and line (lines of earlier batches stay written). Returns the record count.
std::size_t scoreJsonl(const TextModel &model, const std::string &inputPath, std::ostream &out,
                       std::size_t batchSize = 16);

} // namespace rlrf::model
