// SPDX-License-Identifier: GPL-3.0-or-later
// "Remote judge" settings: URL, model, timeout, retries and concurrency (kept in
// QSettings), the API key (kept only in the system keychain: Save to keychain /
// Forget), and "Test connection", which sends one tiny request on the backend
// thread. Keychain and network work never block the GUI thread.
#pragma once

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace rlrf::ui {

class ApiKeyStore;
class JobController;
struct RemoteJudgeSettings;

class JudgeSettingsDialog : public QDialog {
    Q_OBJECT
public:
    /// `jobs` runs the connection test; it must outlive the dialog.
    explicit JudgeSettingsDialog(JobController *jobs, QWidget *parent = nullptr);

    /// The last outcome shown (keychain, connection test), as plain text.
    QString statusText() const;

public Q_SLOTS:
    void saveKey();
    void forgetKey();
    void testConnection();
    void accept() override; // stores the settings (never the key) in QSettings

private:
    void buildForm();
    void connectSignals();
    void setKeychainBusy(bool busy);
    RemoteJudgeSettings settingsFromForm() const;
    void showStatus(const QString &text, bool problem = false);

    JobController *m_jobs;
    ApiKeyStore *m_keys;
    QLineEdit *m_baseUrl;
    QLineEdit *m_model;
    QDoubleSpinBox *m_timeout;
    QSpinBox *m_retries;
    QSpinBox *m_concurrency;
    QLineEdit *m_apiKey;
    QPushButton *m_saveKey;
    QPushButton *m_forgetKey;
    QPushButton *m_test;
    QLabel *m_status;
    int m_testJob = 0;
};

} // namespace rlrf::ui
