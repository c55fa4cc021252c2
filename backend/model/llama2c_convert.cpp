// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama2c_convert.h"

#include "core/json_io.h"
#include "model/generation_config.h"
#include "model/llama2c_reader.h"
#include "model/llama2c_tokenizer_json.h"
#include "model/safetensors_writer.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace rlrf::model {

Llama2cConversion convertLlama2c(const std::string &checkpointPath, const std::string &tokenizerPath,
                                 const std::string &outFolder)
{
    const auto checkpoint = readLlama2cCheckpoint(checkpointPath);
    const auto vocab = readLlama2cVocabulary(tokenizerPath, checkpoint.config.vocabSize); // must fit the model
    const auto tokenizer = llama2cTokenizerJson(vocab);

    std::vector<TensorView> views;
    for (const auto &[name, tensor] : checkpoint.tensors) {
        TensorView view;
        view.name = name;
        view.dtype = Dtype::F32;
        view.shape = tensor.shape;
        view.data = tensor.values.data(); // `checkpoint` outlives the write below
        view.byteSize = tensor.values.size() * sizeof(float);
        views.push_back(std::move(view));
    }
    fs::create_directories(outFolder);
    const auto written = saveSafetensorsCheckpoint(outFolder, views);
    json::writeFileAtomically((fs::path(outFolder) / "config.json").string(), toJson(checkpoint.config).dump(2) + "\n");
    json::writeFileAtomically((fs::path(outFolder) / "generation_config.json").string(),
                              generationConfigJson(checkpoint.config).dump(2) + "\n");
    json::writeFileAtomically((fs::path(outFolder) / "tokenizer.json").string(), tokenizer.dump(1) + "\n");
    json::writeFileAtomically((fs::path(outFolder) / "tokenizer_config.json").string(),
                              llama2cTokenizerConfigJson(checkpoint.config.maxPositionEmbeddings).dump(2) + "\n");

    Llama2cConversion result;
    result.config = checkpoint.config;
    result.tensorCount = views.size();
    result.tensorBytes = written.totalTensorBytes;
    for (const auto &file : written.files)
        result.files.push_back(fs::path(file).filename().string());
    result.files.push_back("config.json");
    result.files.push_back("generation_config.json");
    result.files.push_back("tokenizer.json");
    result.files.push_back("tokenizer_config.json");
    return result;
}

} // namespace rlrf::model
