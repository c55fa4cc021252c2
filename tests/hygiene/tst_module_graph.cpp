// SPDX-License-Identifier: GPL-3.0-or-later
// The backend's module graph, held here as a table: which module may use which
// (docs/architecture.md says why). The test checks that the table is layered
// (every module uses only modules listed before it, so the graph is acyclic),
// that the build defines exactly this graph (build/module_table.txt, written by
// backend/CMakeLists.txt), that every #include in backend/ and ui/ follows it,
// that only the LibTorch modules include LibTorch, and that the build's own
// include check refuses a deliberately wrong include, naming file and line.
#include "common/source_scan.h"
#include "common/test_paths.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

struct Module {
    const char *name;
    bool torch;
    QStringList uses;
};

const QList<Module> &moduleTable()
{
    static const QList<Module> table = {
        {"core", true, {}},
        {"types", false, {"core"}},
        {"model", true, {"core", "types"}},
        {"tasks", false, {"core", "types"}},
        {"store", false, {"core", "types", "tasks"}},
        {"feedback", false, {"core", "types", "model", "tasks"}},
        {"train", true, {"core", "types", "model"}},
        {"eval", false, {"core", "types", "model", "tasks", "store", "feedback"}},
        {"pipeline", false, {"core", "types", "model", "tasks", "store", "feedback", "train", "eval"}},
        {"teaching", false, {"core", "types", "model", "tasks", "store", "feedback", "train", "eval", "pipeline"}},
        {"demo", false, {"core", "types", "model", "tasks", "store", "feedback", "train", "eval", "pipeline"}},
    };
    return table;
}

// The window reaches the backend through these modules only: never a tensor,
// a tokenizer or a trainer directly.
const QStringList kUiUses = {"core", "types", "store", "feedback", "eval", "pipeline", "teaching"};

QStringList moduleNames()
{
    QStringList names;
    for (const auto &m : moduleTable())
        names << QString::fromLatin1(m.name);
    return names;
}

struct Include {
    QString file;
    int line;
    QString module; // first path component of a quoted include
    bool torch;     // <torch/...>, <ATen/...>, <c10/...>
};

QList<Include> includesUnder(const QString &folder)
{
    static const QRegularExpression quoted(QStringLiteral("^\\s*#\\s*include\\s*\"([A-Za-z0-9_]+)/"));
    static const QRegularExpression torch(QStringLiteral("^\\s*#\\s*include\\s*<(torch|ATen|c10)/"));
    QList<Include> found;
    rlrf::test::forEachSourceLine(folder, [&](const QString &path, int lineNo, const QString &line) {
        if (const auto m = quoted.match(line); m.hasMatch())
            found.append({path, lineNo, m.captured(1), false});
        else if (torch.match(line).hasMatch())
            found.append({path, lineNo, {}, true});
    });
    return found;
}

QString moduleOf(const QString &path)
{
    const QString backend = rlrf::test::sourceDir() + QStringLiteral("/backend/");
    return path.mid(backend.size()).section(QLatin1Char('/'), 0, 0);
}

} // namespace

class TestModuleGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableIsLayered()
    {
        QStringList seen;
        for (const auto &m : moduleTable()) {
            for (const auto &used : m.uses)
                QVERIFY2(seen.contains(used), qPrintable(QStringLiteral("%1 uses %2, which is not below it")
                                                             .arg(QString::fromLatin1(m.name), used)));
            seen << QString::fromLatin1(m.name);
        }
    }

    void everyBackendFolderIsAModule()
    {
        const QDir backend(rlrf::test::sourceDir() + QStringLiteral("/backend"));
        auto folders = backend.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        auto names = moduleNames();
        folders.sort();
        names.sort();
        QCOMPARE(folders, names);
    }

    void buildDefinesTheSameGraph()
    {
        QFile f(QStringLiteral(RLRF_BINARY_DIR "/module_table.txt"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        QStringList expected;
        for (const auto &m : moduleTable())
            expected << (QString::fromLatin1(m.name) + QStringLiteral(": ") + m.uses.join(QLatin1Char(' '))).trimmed();
        QStringList built;
        for (const auto &line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            built << line.trimmed();
        QCOMPARE(built, expected);
    }

    void backendIncludesFollowTheTable()
    {
        const auto names = moduleNames();
        QStringList wrong;
        for (const auto &inc : includesUnder(QStringLiteral("backend"))) {
            const QString from = moduleOf(inc.file);
            const auto it = std::find_if(moduleTable().begin(), moduleTable().end(),
                                         [&](const Module &m) { return from == QLatin1String(m.name); });
            QVERIFY2(it != moduleTable().end(), qPrintable(inc.file));
            if (inc.torch) {
                if (!it->torch)
                    wrong << QStringLiteral("%1:%2: LibTorch in module %3").arg(inc.file).arg(inc.line).arg(from);
            } else if (names.contains(inc.module) && inc.module != from && !it->uses.contains(inc.module)) {
                wrong << QStringLiteral("%1:%2: %3 may not use %4").arg(inc.file).arg(inc.line).arg(from, inc.module);
            }
        }
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
    }

    void uiUsesTheUpperLayersOnly()
    {
        const auto names = moduleNames();
        QStringList wrong;
        for (const auto &inc : includesUnder(QStringLiteral("ui")))
            if (names.contains(inc.module) && !kUiUses.contains(inc.module))
                wrong << QStringLiteral("%1:%2: the window may not use %3").arg(inc.file).arg(inc.line).arg(inc.module);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
    }

    // The build's check (cmake/check_module_includes.cmake) on a small tree: a
    // tasks header that includes the pipeline fails, naming file and line.
    void buildRefusesAWrongInclude()
    {
        QTemporaryDir root;
        QVERIFY(root.isValid());
        QDir(root.path()).mkpath(QStringLiteral("tasks"));
        QDir(root.path()).mkpath(QStringLiteral("pipeline"));
        QDir(root.path()).mkpath(QStringLiteral("types"));
        auto write = [&](const QString &rel, const QByteArray &text) {
            QFile f(root.filePath(rel));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(QStringLiteral("tasks/good.h"), "#pragma once\n#include \"types/critique.h\"\n#include <vector>\n");
        write(QStringLiteral("tasks/bad.cpp"), "// a task reaching up into the loop\n#include \"tasks/good.h\"\n"
                                               "int f(); // ; [ ] odd characters\n#include \"pipeline/run/rlrf_run.h\"\n");
        const QString script = rlrf::test::sourceDir() + QStringLiteral("/cmake/check_module_includes.cmake");
        auto check = [&](const QString &uses) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral(RLRF_CMAKE_COMMAND),
                    {QStringLiteral("-DMODULE=tasks"), QStringLiteral("-DUSES=") + uses,
                     QStringLiteral("-DROOT=") + root.path(), QStringLiteral("-P"), script});
            if (!p.waitForFinished(60000))
                return qMakePair(-1, QString());
            return qMakePair(p.exitCode(), QString::fromUtf8(p.readAll()));
        };
        const auto refused = check(QStringLiteral("core;types"));
        QVERIFY2(refused.first != 0, qPrintable(refused.second));
        QVERIFY2(refused.second.contains(QStringLiteral("backend/tasks/bad.cpp:4: module 'tasks' may not include 'pipeline/'")),
                 qPrintable(refused.second));
        QVERIFY2(!refused.second.contains(QStringLiteral("good.h")), qPrintable(refused.second));
        const auto allowed = check(QStringLiteral("core;types;pipeline"));
        QVERIFY2(allowed.first == 0, qPrintable(allowed.second));
    }
};

QTEST_GUILESS_MAIN(TestModuleGraph)
#include "tst_module_graph.moc"
