// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/api_key_store.h"

#include <QTimer>

#include <qt6keychain/keychain.h>

namespace rlrf::ui {
namespace {

QString environmentHint()
{
    return QObject::tr("On a machine without a keychain service (a Secret Service such as GNOME Keyring, or KWallet, "
                       "on the D-Bus session bus) give the key through the RLRF_API_KEY environment variable instead.");
}

QString verb(int operation)
{
    switch (operation) {
    case 0: return QObject::tr("save the API key to");
    case 1: return QObject::tr("read the API key from");
    default: return QObject::tr("remove the API key from");
    }
}

// QtKeychain's own text ("D-Bus is not running", "No keychain service available",
// a libsecret message) says little to a user on its own: say what failed and what
// to do instead.
QString describeFailure(int operation, QKeychain::Error error, const QString &detail)
{
    QString what;
    switch (error) {
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        what = QObject::tr("The system keychain refused access");
        break;
    case QKeychain::CouldNotDeleteEntry:
        what = QObject::tr("The system keychain could not delete the entry");
        break;
    default:
        what = QObject::tr("No system keychain service is reachable");
        break;
    }
    return QObject::tr("Cannot %1 the system keychain. %2 (%3). %4")
        .arg(verb(operation), what, detail.isEmpty() ? QObject::tr("no details") : detail, environmentHint());
}

} // namespace

QString ApiKeyStore::service()
{
    return QStringLiteral("rlrf-workbench");
}

ApiKeyStore::ApiKeyStore(QObject *parent)
    : QObject(parent)
{
}

QString ApiKeyStore::entryFor(const QString &endpointUrl)
{
    QString url = endpointUrl.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (url.endsWith(QLatin1String("/v1")))
        url.chop(3);
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

void ApiKeyStore::save(const QString &endpointUrl, const QString &key)
{
    if (key.isEmpty())
        return fail(endpointUrl, tr("The API key is empty; use Forget to remove a stored key."));
    startJob(Operation::Save, endpointUrl, key);
}

void ApiKeyStore::read(const QString &endpointUrl)
{
    startJob(Operation::Read, endpointUrl, {});
}

void ApiKeyStore::forget(const QString &endpointUrl)
{
    startJob(Operation::Forget, endpointUrl, {});
}

void ApiKeyStore::fail(const QString &endpointUrl, const QString &message)
{
    // Queued, so that every answer arrives after the call returned, as with a job.
    ++m_pending;
    QTimer::singleShot(0, this, [this, endpointUrl, message] {
        --m_pending;
        Q_EMIT failed(endpointUrl, message);
    });
}

void ApiKeyStore::startJob(Operation operation, const QString &endpointUrl, const QString &key)
{
    const QString entry = entryFor(endpointUrl);
    if (entry.isEmpty())
        return fail(endpointUrl, tr("No endpoint URL given: the key is stored per endpoint."));
    // Jobs have no parent and delete themselves when finished: a backend may call
    // back into a job after the store (and its dialog) is gone, so the job must
    // outlive both; the connection below ends with the store.
    QKeychain::Job *job = nullptr;
    if (operation == Operation::Save) {
        auto *write = new QKeychain::WritePasswordJob(service());
        write->setTextData(key);
        job = write;
    } else if (operation == Operation::Read) {
        job = new QKeychain::ReadPasswordJob(service());
    } else {
        job = new QKeychain::DeletePasswordJob(service());
    }
    job->setKey(entry);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext copy in QSettings
    ++m_pending;
    connect(job, &QKeychain::Job::finished, this, [this, operation, endpointUrl](QKeychain::Job *done) {
        --m_pending;
        const QKeychain::Error error = done->error();
        const bool nothingStored = error == QKeychain::EntryNotFound;
        if (error != QKeychain::NoError && !(nothingStored && operation != Operation::Save))
            return Q_EMIT failed(endpointUrl, describeFailure(static_cast<int>(operation), error, done->errorString()));
        if (operation == Operation::Save)
            Q_EMIT saved(endpointUrl);
        else if (operation == Operation::Forget)
            Q_EMIT forgotten(endpointUrl);
        else
            Q_EMIT keyRead(endpointUrl,
                           nothingStored ? QString() : static_cast<QKeychain::ReadPasswordJob *>(done)->textData());
    });
    job->start();
}

} // namespace rlrf::ui
