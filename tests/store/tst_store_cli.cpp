// SPDX-License-Identifier: GPL-3.0-or-later
// The store's commands through the built `rlrf` binary, as users run them:
// project new -> import (GSM8K test split from the shared data folder) -> status
// --json -> export; and the errors users meet (a model folder without config.json,
// an existing file, a bad input line, a misspelt format) with their exit codes.
#include "common/cli_runner.h"
#include "common/test_paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>
#include <vector>

using rlrf::test::runCli;

class TestStoreCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("model")));
        QFile config(path(QStringLiteral("model/config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"model_type\": \"llama\"}\n");
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("empty-model")));
        m_rubric = rlrf::test::sourceDir() + QStringLiteral("/rubrics/math.json");
    }

    void newImportStatusExport()
    {
        const QString project = path(QStringLiteral("gsm8k.rlrf"));
        auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                         path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("gsm8k"),
                         QStringLiteral("--rubric"), m_rubric});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject created = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(created[QStringLiteral("rubric")].toObject()[QStringLiteral("name")].toString(), QStringLiteral("math"));
        QCOMPARE(created[QStringLiteral("rubric")].toObject()[QStringLiteral("version")].toInt(), 1);

        const QString gsm8k = rlrf::test::sharedData(QStringLiteral("gsm8k/test.jsonl"));
        QVERIFY2(!gsm8k.isEmpty(), qPrintable(QStringLiteral("gsm8k/test.jsonl missing under ") + rlrf::test::sharedDataDir()));
        r = runCli({QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("gsm8k"),
                    QStringLiteral("--input"), gsm8k});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject imported = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(imported[QStringLiteral("prompts")].toInt(), 1319); // README table; wc -l test.jsonl
        QCOMPARE(imported[QStringLiteral("split")].toString(), QStringLiteral("test"));

        r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject status = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(status[QStringLiteral("prompts")].toInt(), 1319);
        QCOMPARE(status[QStringLiteral("prompts_by_split")].toObject()[QStringLiteral("test")].toInt(), 1319);
        QCOMPARE(status[QStringLiteral("task")].toString(), QStringLiteral("gsm8k"));
        for (const char *key : {"candidates", "critiques", "refinements", "iterations"})
            QVERIFY2(status.contains(QLatin1String(key)) && status[QLatin1String(key)].toInt(-1) == 0, key);
        const QJsonObject pairs = status[QStringLiteral("pairs")].toObject();
        QCOMPARE(pairs.keys(), (QStringList{QStringLiteral("approved"), QStringLiteral("edited"),
                                            QStringLiteral("pending"), QStringLiteral("rejected")}));

        r = runCli({QStringLiteral("status"), project});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("prompts:      1319 (train 0, validation 0, test 1319)"));

        r = runCli({QStringLiteral("export"), project, QStringLiteral("--what"), QStringLiteral("pairs"),
                    QStringLiteral("--format"), QStringLiteral("trl"), QStringLiteral("--out"), path(QStringLiteral("pairs.jsonl"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()[QStringLiteral("rows")].toInt(), 0);
        QVERIFY(QFile::exists(path(QStringLiteral("pairs.provenance.jsonl"))));
    }

    // A project file without write permission: the commands that read it work,
    // the ones that write say so before touching it (exit 1, file unchanged).
    void readOnlyProjectIsReadNotWritten()
    {
        const QString project = path(QStringLiteral("read-only.rlrf"));
        auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                         path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("gsm8k"),
                         QStringLiteral("--rubric"), m_rubric});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const auto size = QFileInfo(project).size();
        const auto modified = QFileInfo(project).lastModified();

        r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()[QStringLiteral("task")].toString(), QStringLiteral("gsm8k"));
        const QString gsm8k = rlrf::test::sharedData(QStringLiteral("gsm8k/test.jsonl"));
        r = runCli({QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("gsm8k"),
                    QStringLiteral("--input"), gsm8k});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("read-only.rlrf: the project file is read-only (no write permission), so it cannot "
                                "take imported prompts; make it writable (chmod u+w) or work on a copy"),
                 r.err.constData());
        r = runCli({QStringLiteral("run"), project, QStringLiteral("--iterations"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("so it cannot run the loop"), r.err.constData());
        r = runCli({QStringLiteral("rrr"), project, QStringLiteral("--task"), QStringLiteral("arith")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("so it cannot run Reflect-Retry-Reward"), r.err.constData());
        QCOMPARE(QFileInfo(project).size(), size);
        QCOMPARE(QFileInfo(project).lastModified(), modified);
        QVERIFY(QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner));
    }

    // Several programs writing one project at once wait their turn (busy
    // time-out) instead of failing with "database is locked".
    void concurrentWritersWaitTheirTurn()
    {
        const QString project = path(QStringLiteral("shared.rlrf"));
        auto r = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                         path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("gsm8k"),
                         QStringLiteral("--rubric"), m_rubric});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString gsm8k = rlrf::test::sharedData(QStringLiteral("gsm8k/test.jsonl"));
        std::vector<std::unique_ptr<QProcess>> writers;
        for (int i = 0; i < 4; ++i) {
            writers.push_back(std::make_unique<QProcess>());
            writers.back()->start(rlrf::test::cliPath(), {QStringLiteral("import"), project, QStringLiteral("--format"),
                                                          QStringLiteral("gsm8k"), QStringLiteral("--input"), gsm8k});
        }
        for (auto &w : writers) {
            QVERIFY(w->waitForFinished(120000));
            const QByteArray err = w->readAllStandardError();
            QVERIFY2(w->exitCode() == 0, err.constData());
            QVERIFY2(!err.contains("locked"), err.constData());
        }
        r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()[QStringLiteral("prompts")].toInt(), 4 * 1319);
    }

    void projectNewErrors()
    {
        const QStringList base{QStringLiteral("project"), QStringLiteral("new"), path(QStringLiteral("e.rlrf")),
                               QStringLiteral("--task"), QStringLiteral("gsm8k"), QStringLiteral("--rubric"), m_rubric,
                               QStringLiteral("--model")};
        auto r = runCli(base + QStringList{path(QStringLiteral("empty-model"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("empty-model: model folder has no config.json"), r.err.constData());
        r = runCli(base + QStringList{path(QStringLiteral("absent"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("absent: model folder does not exist"), r.err.constData());
        QFile rubric(path(QStringLiteral("bad-rubric.json")));
        QVERIFY(rubric.open(QIODevice::WriteOnly));
        rubric.write("{\"name\": \"r\", \"aspects\": [{\"name\": \"A\", \"description\": \"d\", \"levels\": [\"1\", \"2\"]}]}");
        rubric.close();
        QStringList withBadRubric = base + QStringList{path(QStringLiteral("model"))};
        withBadRubric[6] = rubric.fileName();
        r = runCli(withBadRubric);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad-rubric.json: 'aspects[0].levels': needs exactly three levels"), r.err.constData());
        QVERIFY(!QFile::exists(path(QStringLiteral("e.rlrf")))); // nothing half made
        r = runCli({QStringLiteral("project"), QStringLiteral("new"), path(QStringLiteral("e.rlrf")), QStringLiteral("--task"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("missing required option --model"), r.err.constData());
    }

    void importErrorsLeaveTheProjectUnchanged()
    {
        const QString project = path(QStringLiteral("err.rlrf"));
        QCOMPARE(runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                         path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("custom"),
                         QStringLiteral("--rubric"), m_rubric}).exitCode, 0);
        QFile bad(path(QStringLiteral("bad.jsonl")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"q\": \"one\"}\n{\"q\": \"two\"\n");
        bad.close();
        auto r = runCli({QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("jsonl"),
                         QStringLiteral("--input"), bad.fileName(), QStringLiteral("--prompt-field"), QStringLiteral("q")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad.jsonl:2: invalid JSON"), r.err.constData());
        r = runCli({QStringLiteral("status"), project, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(r.out).object()[QStringLiteral("prompts")].toInt(-1), 0);

        r = runCli({QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("parquet"),
                    QStringLiteral("--input"), bad.fileName()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown import format 'parquet'"), r.err.constData());
        r = runCli({QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("gsm8k"),
                    QStringLiteral("--input"), bad.fileName(), QStringLiteral("--prompt-field"), QStringLiteral("q")});
        QCOMPARE(r.exitCode, 2);
        r = runCli({QStringLiteral("status"), path(QStringLiteral("nothing.rlrf"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("nothing.rlrf: project file does not exist"), r.err.constData());
        r = runCli({QStringLiteral("export"), project, QStringLiteral("--what"), QStringLiteral("ratings"),
                    QStringLiteral("--out"), path(QStringLiteral("x.jsonl"))});
        QCOMPARE(r.exitCode, 2);
    }

    // Command-line mistakes of rate, import and export: exit 2 with the message and
    // the usage, before the project is opened; no file is written or changed.
    void rateImportExportUsageMistakes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString project = path(QStringLiteral("usage.rlrf"));
        const QStringList rate{QStringLiteral("rate"), project, QStringLiteral("--candidate"), QStringLiteral("1"),
                               QStringLiteral("--by"), QStringLiteral("ana")};
        const QStringList one{QStringLiteral("--aspect"), QStringLiteral("Readability"), QStringLiteral("--rating"),
                              QStringLiteral("2"), QStringLiteral("--rationale"), QStringLiteral("clear")};
        QTest::newRow("rate without a rationale")
            << rate + one.mid(0, 4) << QStringLiteral("rlrf rate: give --aspect, --rating and --rationale once for each aspect rated");
        QTest::newRow("rate with two aspects, one rating")
            << rate + one + QStringList{QStringLiteral("--aspect"), QStringLiteral("Factuality"), QStringLiteral("--rationale"), QStringLiteral("ok")}
            << QStringLiteral("rlrf rate: give --aspect, --rating and --rationale once for each aspect rated");
        QTest::newRow("rate nothing") << rate << QStringLiteral("rlrf rate: give --aspect, --rating and --rationale once for each aspect rated");
        QStringList four = rate + one;
        four[four.indexOf(QStringLiteral("2"))] = QStringLiteral("4");
        QTest::newRow("rating 4") << four << QStringLiteral("rlrf rate: --rating must be 1, 2 or 3, got '4'");
        QStringList fraction = rate + one;
        fraction[fraction.indexOf(QStringLiteral("2"))] = QStringLiteral("2.5");
        QTest::newRow("rating 2.5") << fraction << QStringLiteral("rlrf rate: --rating must be 1, 2 or 3, got '2.5'");
        QTest::newRow("import --answers with jsonl")
            << QStringList{QStringLiteral("import"), project, QStringLiteral("--format"), QStringLiteral("jsonl"),
                           QStringLiteral("--input"), path(QStringLiteral("q.jsonl")), QStringLiteral("--answers"),
                           path(QStringLiteral("a.jsonl"))}
            << QStringLiteral("rlrf import: --answers applies to --format bfcl only");
        const QStringList exportPairs{QStringLiteral("export"), project, QStringLiteral("--out"), path(QStringLiteral("out.jsonl")),
                                      QStringLiteral("--what")};
        QTest::newRow("pairs as jsonl") << exportPairs + QStringList{QStringLiteral("pairs"), QStringLiteral("--format"), QStringLiteral("jsonl")}
                                        << QStringLiteral("rlrf export: pairs export in --format trl (got 'jsonl')");
        QTest::newRow("critiques as trl") << exportPairs + QStringList{QStringLiteral("critiques"), QStringLiteral("--format"), QStringLiteral("trl")}
                                          << QStringLiteral("rlrf export: critiques export in --format jsonl (got 'trl')");
        QTest::newRow("critiques with provenance")
            << exportPairs + QStringList{QStringLiteral("critiques"), QStringLiteral("--provenance"), path(QStringLiteral("prov.jsonl"))}
            << QStringLiteral("rlrf export: --provenance and --reviewed-only apply to --what pairs only");
        QTest::newRow("critiques reviewed only")
            << exportPairs + QStringList{QStringLiteral("critiques"), QStringLiteral("--reviewed-only")}
            << QStringLiteral("rlrf export: --provenance and --reviewed-only apply to --what pairs only");
    }

    void rateImportExportUsageMistakes()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QString project = path(QStringLiteral("usage.rlrf"));
        if (!QFile::exists(project)) {
            const auto made = runCli({QStringLiteral("project"), QStringLiteral("new"), project, QStringLiteral("--model"),
                                      path(QStringLiteral("model")), QStringLiteral("--task"), QStringLiteral("gsm8k"),
                                      QStringLiteral("--rubric"), m_rubric});
            QVERIFY2(made.exitCode == 0, made.err.constData());
        }
        QFile file(project);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray before = file.readAll();
        file.close();
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.startsWith(message + QLatin1Char('\n')), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("\nusage: rlrf ")), qPrintable(err));
        QVERIFY(r.out.isEmpty());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll() == before);
        for (const char *name : {"out.jsonl", "out.provenance.jsonl", "prov.jsonl"})
            QVERIFY2(!QFile::exists(path(QLatin1String(name))), name);
    }

private:
    QString path(const QString &name) const { return m_dir.path() + QLatin1Char('/') + name; }

    QTemporaryDir m_dir;
    QString m_rubric;
};

QTEST_GUILESS_MAIN(TestStoreCli)
#include "tst_store_cli.moc"
