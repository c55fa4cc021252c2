// SPDX-License-Identifier: GPL-3.0-or-later
// The remote judge's connection settings as the workbench keeps them in QSettings:
// URL, model, timeout, retries, concurrency. The API key is not among them: it lives
// in the system keychain (api_key_store.h) and joins only at run time.
#pragma once

#include "feedback/chat_endpoint.h"

#include <QString>

namespace rlrf::ui {

struct RemoteJudgeSettings {
    QString baseUrl;
    QString model;
    double timeoutSeconds = 120.0;
    int retries = 3;
    int concurrency = 4;

    static RemoteJudgeSettings load();
    void save() const;

    /// "endpoint:URL#MODEL", the spec judges are named by (judge_factory.h).
    QString judgeSpec() const;
    /// The endpoint for a run with `apiKey` from the keychain or the key field;
    /// an empty key falls back to $RLRF_API_KEY (or RLRF_API_KEY_FILE) as in the CLI.
    feedback::EndpointConfig endpointConfig(const QString &apiKey) const;
};

} // namespace rlrf::ui
