// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/judge_settings_dialog.h"

#include "settings/api_key_store.h"
#include "settings/remote_judge_settings.h"
#include "string_convert.h"
#include "worker/job_controller.h"

#include "feedback/endpoint_probe.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rlrf::ui {

JudgeSettingsDialog::JudgeSettingsDialog(JobController *jobs, QWidget *parent)
    : QDialog(parent)
    , m_jobs(jobs)
    , m_keys(new ApiKeyStore(this))
    , m_baseUrl(new QLineEdit(this))
    , m_model(new QLineEdit(this))
    , m_timeout(new QDoubleSpinBox(this))
    , m_retries(new QSpinBox(this))
    , m_concurrency(new QSpinBox(this))
    , m_apiKey(new QLineEdit(this))
    , m_saveKey(new QPushButton(tr("Save to keychain"), this))
    , m_forgetKey(new QPushButton(tr("Forget"), this))
    , m_test(new QPushButton(tr("Test connection"), this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Remote Judge"));
    buildForm();
    connectSignals();
    const RemoteJudgeSettings settings = RemoteJudgeSettings::load();
    m_baseUrl->setText(settings.baseUrl);
    m_model->setText(settings.model);
    m_timeout->setValue(settings.timeoutSeconds);
    m_retries->setValue(settings.retries);
    m_concurrency->setValue(settings.concurrency);
    if (!settings.baseUrl.isEmpty()) {
        showStatus(tr("Looking for a stored API key in the system keychain…"));
        setKeychainBusy(true);
        m_keys->read(settings.baseUrl);
    }
}

void JudgeSettingsDialog::buildForm()
{
    const auto name = [](QWidget *w, const char *id) { w->setObjectName(QString::fromLatin1(id)); };
    name(m_baseUrl, "baseUrl");
    name(m_model, "model");
    name(m_timeout, "timeout");
    name(m_retries, "retries");
    name(m_concurrency, "concurrency");
    name(m_apiKey, "apiKey");
    name(m_saveKey, "saveKey");
    name(m_forgetKey, "forgetKey");
    name(m_test, "testConnection");
    name(m_status, "status");
    m_baseUrl->setPlaceholderText(QStringLiteral("http://127.0.0.1:8000/v1"));
    m_model->setPlaceholderText(tr("the served model name"));
    m_timeout->setRange(1.0, 3600.0);
    m_timeout->setSuffix(tr(" s"));
    m_retries->setRange(0, 20);
    m_concurrency->setRange(1, 64);
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("empty: $RLRF_API_KEY is used when set"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_apiKey, 1);
    keyRow->addWidget(m_saveKey);
    keyRow->addWidget(m_forgetKey);
    auto *form = new QFormLayout;
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Timeout per request"), m_timeout);
    form->addRow(tr("Retries"), m_retries);
    form->addRow(tr("Requests at once"), m_concurrency);
    form->addRow(tr("API key"), keyRow);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &JudgeSettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_saveKey, &QPushButton::clicked, this, &JudgeSettingsDialog::saveKey);
    connect(m_forgetKey, &QPushButton::clicked, this, &JudgeSettingsDialog::forgetKey);
    connect(m_test, &QPushButton::clicked, this, &JudgeSettingsDialog::testConnection);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
}

// While a keychain job runs, the key row waits for its answer: a key read late must
// not replace one typed meanwhile, nor its message the outcome of a newer action.
void JudgeSettingsDialog::setKeychainBusy(bool busy)
{
    m_apiKey->setEnabled(!busy);
    m_saveKey->setEnabled(!busy);
    m_forgetKey->setEnabled(!busy);
    m_test->setEnabled(!busy && m_testJob == 0);
}

void JudgeSettingsDialog::connectSignals()
{
    connect(m_keys, &ApiKeyStore::keyRead, this, [this](const QString &url, const QString &key) {
        setKeychainBusy(false);
        m_apiKey->setText(key);
        showStatus(key.isEmpty() ? tr("No API key stored for %1; $RLRF_API_KEY is used when set.").arg(url)
                                 : tr("The API key for %1 comes from the system keychain.").arg(url));
    });
    connect(m_keys, &ApiKeyStore::saved, this, [this](const QString &url) {
        setKeychainBusy(false);
        showStatus(tr("The API key for %1 is saved in the system keychain.").arg(url));
    });
    connect(m_keys, &ApiKeyStore::forgotten, this, [this](const QString &url) {
        setKeychainBusy(false);
        showStatus(tr("No API key is stored for %1 any more.").arg(url));
    });
    connect(m_keys, &ApiKeyStore::failed, this, [this](const QString &, const QString &message) {
        setKeychainBusy(false);
        showStatus(message, true);
    });
    connect(m_jobs, &JobController::jobFinished, this, [this](int jobId, Outcome outcome, const QString &message) {
        if (jobId != m_testJob)
            return;
        m_testJob = 0;
        m_test->setEnabled(m_saveKey->isEnabled());
        showStatus(message, outcome != Outcome::Succeeded);
    });
}

QString JudgeSettingsDialog::statusText() const
{
    return m_status->text();
}

void JudgeSettingsDialog::showStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #b00020;") : QString());
}

RemoteJudgeSettings JudgeSettingsDialog::settingsFromForm() const
{
    RemoteJudgeSettings s;
    s.baseUrl = m_baseUrl->text().trimmed();
    s.model = m_model->text().trimmed();
    s.timeoutSeconds = m_timeout->value();
    s.retries = m_retries->value();
    s.concurrency = m_concurrency->value();
    return s;
}

void JudgeSettingsDialog::saveKey()
{
    showStatus(tr("Saving the API key to the system keychain…"));
    setKeychainBusy(true);
    m_keys->save(m_baseUrl->text(), m_apiKey->text());
}

void JudgeSettingsDialog::forgetKey()
{
    m_apiKey->clear();
    showStatus(tr("Removing the API key from the system keychain…"));
    setKeychainBusy(true);
    m_keys->forget(m_baseUrl->text());
}

void JudgeSettingsDialog::testConnection()
{
    const feedback::EndpointConfig config = settingsFromForm().endpointConfig(m_apiKey->text());
    m_test->setEnabled(false);
    showStatus(tr("Testing %1…").arg(toQString(feedback::chatCompletionsUrl(config.baseUrl))));
    m_testJob = m_jobs->start(tr("Test connection"), [config](const RunContext &context) {
        const auto result = feedback::probeEndpoint(config, &context.cancel);
        return JobResult{Outcome::Succeeded, tr("%1 answered in %2 s: “%3”")
                                                 .arg(toQString(result.url))
                                                 .arg(result.seconds, 0, 'f', 2)
                                                 .arg(toQString(result.reply))};
    });
}

void JudgeSettingsDialog::accept()
{
    settingsFromForm().save();
    QDialog::accept();
}

} // namespace rlrf::ui
