// SPDX-License-Identifier: GPL-3.0-or-later
// API keys of remote judges in the system keychain (Secret Service or KWallet on
// Linux, the macOS Keychain, the Windows Credential Manager, through QtKeychain):
// one entry per endpoint under the service "rlrf-workbench". Keys never go to
// QSettings or a project file: QtKeychain's plaintext fallback stays off.
#pragma once

#include <QObject>
#include <QString>

namespace rlrf::ui {

class ApiKeyStore : public QObject {
    Q_OBJECT
public:
    static QString service(); // "rlrf-workbench"

    explicit ApiKeyStore(QObject *parent = nullptr);

    /// The keychain entry of an endpoint: its base URL without surrounding blanks,
    /// trailing "/" or "/v1", so ".../v1/" and "..." share one key.
    static QString entryFor(const QString &endpointUrl);

    /// Each call starts one asynchronous keychain job and returns at once (call on
    /// the GUI thread); exactly one of the signals below answers it, also on the
    /// GUI thread. An empty URL, or an empty key to save, fails at once the same way.
    void save(const QString &endpointUrl, const QString &key);
    void read(const QString &endpointUrl);
    void forget(const QString &endpointUrl);

    int pendingJobs() const { return m_pending; }

Q_SIGNALS:
    void saved(const QString &endpointUrl);
    /// `key` is empty when none is stored for the endpoint.
    void keyRead(const QString &endpointUrl, const QString &key);
    /// Also when nothing was stored.
    void forgotten(const QString &endpointUrl);
    /// `message` says what failed and, when no keychain service is reachable,
    /// that RLRF_API_KEY in the environment is the way to give a key instead.
    void failed(const QString &endpointUrl, const QString &message);

private:
    enum class Operation { Save, Read, Forget };
    void startJob(Operation operation, const QString &endpointUrl, const QString &key);
    void fail(const QString &endpointUrl, const QString &message);

    int m_pending = 0;
};

} // namespace rlrf::ui
