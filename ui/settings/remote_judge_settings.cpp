// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/remote_judge_settings.h"

#include "string_convert.h"

#include <QSettings>

namespace rlrf::ui {
namespace {
const auto kGroup = QStringLiteral("judge/remote");
} // namespace

RemoteJudgeSettings RemoteJudgeSettings::load()
{
    QSettings settings;
    settings.beginGroup(kGroup);
    RemoteJudgeSettings s;
    s.baseUrl = settings.value(QStringLiteral("base_url")).toString();
    s.model = settings.value(QStringLiteral("model")).toString();
    s.timeoutSeconds = settings.value(QStringLiteral("timeout_seconds"), s.timeoutSeconds).toDouble();
    s.retries = settings.value(QStringLiteral("retries"), s.retries).toInt();
    s.concurrency = settings.value(QStringLiteral("concurrency"), s.concurrency).toInt();
    return s;
}

void RemoteJudgeSettings::save() const
{
    QSettings settings;
    settings.beginGroup(kGroup);
    settings.setValue(QStringLiteral("base_url"), baseUrl);
    settings.setValue(QStringLiteral("model"), model);
    settings.setValue(QStringLiteral("timeout_seconds"), timeoutSeconds);
    settings.setValue(QStringLiteral("retries"), retries);
    settings.setValue(QStringLiteral("concurrency"), concurrency);
}

QString RemoteJudgeSettings::judgeSpec() const
{
    return QStringLiteral("endpoint:") + baseUrl.trimmed() + QLatin1Char('#') + model.trimmed();
}

feedback::EndpointConfig RemoteJudgeSettings::endpointConfig(const QString &apiKey) const
{
    feedback::EndpointConfig config;
    config.baseUrl = toStdString(baseUrl.trimmed());
    config.model = toStdString(model.trimmed());
    config.requestTimeoutSeconds = timeoutSeconds;
    config.maxRetries = retries;
    config.concurrency = concurrency;
    config.apiKey = toStdString(apiKey);
    return config;
}

} // namespace rlrf::ui
