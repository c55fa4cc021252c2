// SPDX-License-Identifier: GPL-3.0-or-later
// The remote judge's API key in the system keychain, and the "Remote judge" dialog.
// Two real situations, chosen by how ctest starts the test:
// - tst_api_key_store: no keychain service is reachable (the session bus address
//   points at a socket nobody listens on, as on a headless machine). Every keychain
//   call must answer asynchronously with a clear error that suggests RLRF_API_KEY,
//   and the dialog must show it: no crash, no silent success, no plaintext copy.
// - tst_api_key_store_secret_service (tests/ui/extra_runs.cmake, registered only
//   where dbus-run-session, gnome-keyring-daemon and libsecret exist): a private
//   session bus with GNOME Keyring started here on a throw-away login keyring, and a
//   real save / read / forget round trip through QtKeychain.
// The connection test talks to a real HTTP server on 127.0.0.1.
#include "common/local_http_server.h"

#include "core/logging.h"
#include "main_window.h"
#include "settings/api_key_store.h"
#include "settings/remote_judge_settings.h"
#include "views/judge_settings_dialog.h"
#include "worker/job_controller.h"

#include <nlohmann/json.hpp>

#include <QAction>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>

using namespace rlrf::ui;
using rlrf::test::HttpReply;
using rlrf::test::HttpRequest;
using rlrf::test::LocalHttpServer;

namespace {

const QString kUrl = QStringLiteral("http://127.0.0.1:8000/v1");
const QString kKey = QStringLiteral("sk-keychain-test-9b71e0c4");
const QString kNoService = QStringLiteral("No system keychain service is reachable");

std::string completion(const std::string &content)
{
    return nlohmann::json{{"choices", {{{"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump();
}

// The dialog looks up the stored key when it opens; its key row waits for the answer.
bool keychainAnswered(const JudgeSettingsDialog &dialog)
{
    return dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->isEnabled();
}

void setStoredSettings(const QString &baseUrl)
{
    RemoteJudgeSettings s;
    s.baseUrl = baseUrl;
    s.model = QStringLiteral("judge-7b");
    s.timeoutSeconds = 5.0;
    s.retries = 0;
    s.save();
}

} // namespace

class TestApiKeyStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    QProcess m_keyring;
    bool m_secretService = false;

    // QtKeychain (through libsecret) would start a Secret Service by D-Bus
    // activation with the real home folder; wait until ours owns the name instead.
    bool waitForSecretService()
    {
        for (int i = 0; i < 150; ++i) {
            QProcess ask;
            ask.start(QStringLiteral("dbus-send"),
                      {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                       QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                       QStringLiteral("org.freedesktop.DBus.NameHasOwner"), QStringLiteral("string:org.freedesktop.secrets")});
            if (ask.waitForFinished(5000) && ask.readAllStandardOutput().contains("boolean true"))
                return true;
            QTest::qWait(100);
        }
        return false;
    }

    void startSecretService(const QString &daemon)
    {
        const QString runtime = m_home.filePath(QStringLiteral("run"));
        QDir().mkpath(runtime);
        ::chmod(QFile::encodeName(runtime).constData(), 0700);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
        m_keyring.setProcessEnvironment(env);
        // --unlock reads the new login keyring's password from stdin.
        m_keyring.start(daemon, {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                                 QStringLiteral("--components=secrets")});
        QVERIFY2(m_keyring.waitForStarted(10000), qPrintable(daemon + QStringLiteral(" did not start")));
        m_keyring.write("throw-away-test-password");
        m_keyring.closeWriteChannel();
        QVERIFY2(waitForSecretService(), "gnome-keyring-daemon did not take org.freedesktop.secrets on the session bus");
    }

    static QStringList settingsKeysOutsideJudgeGroup()
    {
        QStringList keys = QSettings().allKeys();
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [](const QString &k) { return k.startsWith(QLatin1String("judge/remote/")); }),
                   keys.end());
        return keys;
    }

    void verifyKeyNotInSettings()
    {
        QSettings settings;
        settings.sync();
        QFile file(settings.fileName());
        if (file.open(QIODevice::ReadOnly))
            QVERIFY2(!file.readAll().contains(kKey.toUtf8()), "the API key was written to the settings file");
        QVERIFY2(settingsKeysOutsideJudgeGroup().isEmpty(), qPrintable(settingsKeysOutsideJudgeGroup().join(u',')));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName(QStringLiteral("RLRF Workbench Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_api_key_store"));
        QSettings().clear();
        rlrf::log::init();
        rlrf::log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_home.isValid());
        // QtKeychain picks KWallet in a KDE session; this test is about the Secret Service.
        for (const char *variable : {"XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_SESSION_VERSION", "KDE_FULL_SESSION"})
            qunsetenv(variable);
        const QString daemon = qEnvironmentVariable("RLRF_TEST_SECRET_SERVICE");
        m_secretService = !daemon.isEmpty();
        if (m_secretService) {
            QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                     "RLRF_TEST_SECRET_SERVICE is set but no session bus: run the test under dbus-run-session");
            startSecretService(daemon);
        } else {
            // A headless machine: a session bus address where nothing listens.
            qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(m_home.filePath(QStringLiteral("no-bus"))));
            qunsetenv("DISPLAY");
        }
    }

    void cleanupTestCase()
    {
        if (m_keyring.state() != QProcess::NotRunning) {
            m_keyring.terminate();
            m_keyring.waitForFinished(5000);
        }
        QSettings().clear();
    }

    void entriesAreNamedByTheBaseUrl()
    {
        QCOMPARE(ApiKeyStore::service(), QStringLiteral("rlrf-workbench"));
        QCOMPARE(ApiKeyStore::entryFor(QStringLiteral(" http://h:8000/v1/ ")), QStringLiteral("http://h:8000"));
        QCOMPARE(ApiKeyStore::entryFor(QStringLiteral("http://h:8000/")), QStringLiteral("http://h:8000"));
        QCOMPARE(ApiKeyStore::entryFor(QStringLiteral("https://api.example.org/openai/v1")),
                 QStringLiteral("https://api.example.org/openai"));
    }

    void emptyInputsFailWithoutTouchingTheKeychain()
    {
        ApiKeyStore store;
        QSignalSpy failed(&store, &ApiKeyStore::failed);
        store.save(kUrl, QString());
        store.read(QStringLiteral("  "));
        QCOMPARE(failed.size(), 0); // answers come asynchronously, never inside the call
        QTRY_COMPARE(failed.size(), 2);
        QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("empty")));
        QVERIFY(failed.at(1).at(1).toString().contains(QStringLiteral("No endpoint URL")));
    }

    void saveReadForget()
    {
        ApiKeyStore store;
        QSignalSpy saved(&store, &ApiKeyStore::saved);
        QSignalSpy read(&store, &ApiKeyStore::keyRead);
        QSignalSpy forgotten(&store, &ApiKeyStore::forgotten);
        QSignalSpy failed(&store, &ApiKeyStore::failed);
        const auto answers = [&] { return saved.size() + read.size() + forgotten.size() + failed.size(); };

        store.save(kUrl, kKey);
        QCOMPARE(answers(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(answers(), 1, 20000);
        if (!m_secretService) {
            QCOMPARE(failed.size(), 1);
            const QString message = failed.at(0).at(1).toString();
            qInfo("the store says: %s", qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("Cannot save the API key to the system keychain")), qPrintable(message));
            QVERIFY2(message.contains(kNoService), qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("RLRF_API_KEY")), qPrintable(message));
            QVERIFY2(!message.contains(kKey), qPrintable(message));
            store.read(kUrl);
            store.forget(kUrl);
            QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 3, 20000);
            QVERIFY(failed.at(1).at(1).toString().contains(QStringLiteral("Cannot read the API key")));
            QVERIFY(failed.at(2).at(1).toString().contains(QStringLiteral("Cannot remove the API key")));
            QCOMPARE(saved.size() + read.size() + forgotten.size(), 0);
        } else {
            QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(1).toString()));
            QCOMPARE(saved.size(), 1);
            store.read(QStringLiteral("http://127.0.0.1:8000/")); // the same entry, written differently
            QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, 20000);
            QCOMPARE(read.at(0).at(1).toString(), kKey);
            store.forget(kUrl);
            QTRY_COMPARE_WITH_TIMEOUT(forgotten.size(), 1, 20000);
            store.read(kUrl);
            QTRY_COMPARE_WITH_TIMEOUT(read.size(), 2, 20000);
            QCOMPARE(read.at(1).at(1).toString(), QString()); // nothing stored any more
            store.forget(kUrl); // forgetting nothing is not an error
            QTRY_COMPARE_WITH_TIMEOUT(forgotten.size(), 2, 20000);
            QVERIFY(failed.isEmpty());
        }
        QCOMPARE(store.pendingJobs(), 0);
        verifyKeyNotInSettings(); // the plaintext fallback stays off
    }

    void dialogShowsTheKeychainOutcome()
    {
        setStoredSettings(kUrl);
        JobController jobs;
        JudgeSettingsDialog dialog(&jobs);
        QVERIFY(dialog.statusText().contains(QStringLiteral("Looking for a stored API key")));
        QVERIFY(!keychainAnswered(dialog));
        const QString expectedRead = m_secretService ? QStringLiteral("No API key stored for") : kNoService;
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().contains(expectedRead), 20000);
        if (!m_secretService)
            QVERIFY2(dialog.statusText().contains(QStringLiteral("RLRF_API_KEY")), qPrintable(dialog.statusText()));

        dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->setText(kKey);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("saveKey")), Qt::LeftButton);
        QVERIFY(dialog.statusText().contains(QStringLiteral("Saving")));
        const QString expectedSave = m_secretService ? QStringLiteral("saved in the system keychain")
                                                     : QStringLiteral("Cannot save the API key");
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().contains(expectedSave), 20000);
        QVERIFY(!dialog.statusText().contains(kKey));

        JudgeSettingsDialog reopened(&jobs); // reads the key back, or fails again
        auto *field = reopened.findChild<QLineEdit *>(QStringLiteral("apiKey"));
        QCOMPARE(field->echoMode(), QLineEdit::Password);
        if (m_secretService) {
            QTRY_COMPARE_WITH_TIMEOUT(field->text(), kKey, 20000);
            QVERIFY(reopened.statusText().contains(QStringLiteral("comes from the system keychain")));
            QTest::mouseClick(reopened.findChild<QPushButton *>(QStringLiteral("forgetKey")), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(reopened.statusText().contains(QStringLiteral("any more")), 20000);
            QVERIFY(field->text().isEmpty());
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(reopened.statusText().contains(kNoService), 20000);
            QVERIFY(field->text().isEmpty());
        }
        verifyKeyNotInSettings();
    }

    void testConnectionRunsOnTheBackendThread()
    {
        LocalHttpServer server([](const HttpRequest &, int) {
            HttpReply reply{200, completion("OK")};
            reply.delayMs = 300; // the click must return long before this
            return reply;
        });
        setStoredSettings(QString::fromStdString(server.baseUrl()));
        JobController jobs;
        JudgeSettingsDialog dialog(&jobs);
        QTRY_VERIFY_WITH_TIMEOUT(keychainAnswered(dialog), 20000);
        dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->setText(kKey);
        auto *test = dialog.findChild<QPushButton *>(QStringLiteral("testConnection"));
        QTest::mouseClick(test, Qt::LeftButton);
        QVERIFY(dialog.statusText().startsWith(QStringLiteral("Testing ")));
        QVERIFY(!test->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().contains(QStringLiteral("answered in")), 20000);
        QVERIFY2(dialog.statusText().contains(QStringLiteral("“OK”")), qPrintable(dialog.statusText()));
        QVERIFY(test->isEnabled());
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(QString::fromStdString(server.requests().at(0).header("authorization")), QStringLiteral("Bearer ") + kKey);
    }

    void failedConnectionTestIsShown()
    {
        LocalHttpServer server([](const HttpRequest &, int) { return HttpReply{401, "{\"error\": \"bad key\"}"}; });
        setStoredSettings(QString::fromStdString(server.baseUrl()));
        JobController jobs;
        JudgeSettingsDialog dialog(&jobs);
        QTRY_VERIFY_WITH_TIMEOUT(keychainAnswered(dialog), 20000);
        dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->setText(kKey);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testConnection")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusText().contains(QStringLiteral("HTTP 401")), 20000);
        QVERIFY(dialog.statusText().contains(QString::fromStdString(server.baseUrl() + "/v1/chat/completions")));
    }

    void acceptStoresTheSettingsButNeverTheKey()
    {
        QSettings().clear();
        JobController jobs;
        JudgeSettingsDialog dialog(&jobs);
        dialog.findChild<QLineEdit *>(QStringLiteral("baseUrl"))->setText(QStringLiteral("http://judge.lan:9000/v1"));
        dialog.findChild<QLineEdit *>(QStringLiteral("model"))->setText(QStringLiteral("qwen2.5-7b-instruct"));
        dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->setText(kKey);
        dialog.accept();
        const RemoteJudgeSettings stored = RemoteJudgeSettings::load();
        QCOMPARE(stored.baseUrl, QStringLiteral("http://judge.lan:9000/v1"));
        QCOMPARE(stored.model, QStringLiteral("qwen2.5-7b-instruct"));
        QCOMPARE(stored.judgeSpec(), QStringLiteral("endpoint:http://judge.lan:9000/v1#qwen2.5-7b-instruct"));
        verifyKeyNotInSettings();
    }

    void settingsMenuOpensTheDialog()
    {
        MainWindow window;
        auto *action = window.findChild<QAction *>(QStringLiteral("action.remoteJudge"));
        QVERIFY(action);
        action->trigger();
        auto *dialog = window.findChild<JudgeSettingsDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        dialog->reject();
    }
};

QTEST_MAIN(TestApiKeyStore)
#include "tst_api_key_store.moc"
