// SPDX-License-Identifier: GPL-3.0-or-later
// The BFCL task on the real "simple" files of shared/data/bfcl (from
// ShishirPatil/gorilla): every question lands in exactly one split, a seed
// picks the order, the prompt carries the function definitions, and a call built
// here from each row's possible answer (first allowed value of each parameter,
// read with Qt's JSON parser) is accepted on its own and after some thoughts,
// while the same call with another function name is not. Missing files fail
// with the file named.
#include "pipeline/rrr/rrr_task_factory.h"
#include "tasks/bfcl/bfcl_task.h"

#include "common/error_assert.h"
#include "common/test_paths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <set>

using namespace rlrf::tasks;
using rlrf::rrr::bfclTaskFromFile;

namespace {

QString questions(const QString &name)
{
    const QString path = rlrf::test::sharedData(QStringLiteral("bfcl/") + name);
    if (path.isEmpty())
        qFatal("bfcl/%s missing under %s", qPrintable(name), qPrintable(rlrf::test::sharedDataDir()));
    return path;
}

// The first allowed value that is not "" ("" = may be omitted); dict values (also
// inside lists) hold allowed-value lists per key and are filled the same way.
QJsonValue firstAllowed(const QJsonArray &allowed, bool &omit);

QJsonValue concrete(const QJsonValue &value)
{
    if (value.isArray()) { // a list is matched element by element; its dicts hold allowed lists too
        QJsonArray out;
        for (const auto &element : value.toArray())
            out.append(concrete(element));
        return out;
    }
    if (!value.isObject())
        return value;
    QJsonObject out;
    const auto object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool omit = false;
        const auto v = it.value().isArray() ? firstAllowed(it.value().toArray(), omit) : it.value();
        if (!omit)
            out.insert(it.key(), v);
    }
    return out;
}

QJsonValue firstAllowed(const QJsonArray &allowed, bool &omit)
{
    for (const auto &v : allowed)
        if (!(v.isString() && v.toString().isEmpty()))
            return concrete(v);
    omit = !allowed.isEmpty();
    return QJsonArray();
}

// {"name": f, "arguments": {...}} from a ground truth [{f: {param: [allowed...]}}].
QByteArray callFrom(const QString &groundTruth, const QString &renamed = {})
{
    const auto call = QJsonDocument::fromJson(groundTruth.toUtf8()).array().at(0).toObject();
    const auto name = call.keys().at(0);
    QJsonObject arguments;
    const auto params = call.value(name).toObject();
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool omit = false;
        const auto v = firstAllowed(it.value().toArray(), omit);
        if (!omit)
            arguments.insert(it.key(), v);
    }
    QJsonObject out{{QStringLiteral("name"), renamed.isEmpty() ? name : renamed},
                    {QStringLiteral("arguments"), arguments}};
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

} // namespace

class TestBfclTask : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitsCoverEveryQuestionOnce()
    {
        const auto owned = bfclTaskFromFile(questions(QStringLiteral("BFCL_v4_simple_python.json")).toStdString());
        const auto &task = dynamic_cast<const BfclTask &>(*owned);
        const auto total = task.size(Split::Train) + task.size(Split::Validation) + task.size(Split::Test);
        QCOMPARE(total, std::size_t{400});
        QVERIFY(task.size(Split::Train) > 280 && task.size(Split::Test) > 20);
        std::set<std::string> seen;
        for (Split s : {Split::Train, Split::Validation, Split::Test})
            for (const auto &p : task.problems(s, task.size(s), 1)) {
                QVERIFY(seen.insert(p.id).second);
                QCOMPARE(BfclTask::splitOf(p.id.substr(5)), s);
                QVERIFY(p.prompt.find("Functions:\n[{") != std::string::npos);
            }
        QCOMPARE(seen.size(), std::size_t{400});
        const auto a = task.problems(Split::Train, 5, 1), b = task.problems(Split::Train, 5, 1);
        const auto c = task.problems(Split::Train, 5, 2);
        QCOMPARE(a[0].id, b[0].id);
        QVERIFY(a[0].id != c[0].id || a[1].id != c[1].id);
    }

    void callsFromThePossibleAnswersAreAccepted()
    {
        for (const auto *file : {"BFCL_v4_simple_python.json", "BFCL_v4_simple_java.json"}) {
            const auto owned = bfclTaskFromFile(questions(QString::fromLatin1(file)).toStdString());
            const auto &task = dynamic_cast<const BfclTask &>(*owned);
            for (Split s : {Split::Train, Split::Validation, Split::Test})
                for (const auto &p : task.problems(s, task.size(s), 1)) {
                    const auto truth = QString::fromStdString(p.answer);
                    const auto call = callFrom(truth).toStdString();
                    const auto verdict = task.verify(p, call);
                    QVERIFY2(verdict.correct, (p.id + ": " + call + ": " + verdict.reason).c_str());
                    QVERIFY(task.verify(p, "I will call the function.\n" + call).correct);
                    QVERIFY(!task.verify(p, callFrom(truth, QStringLiteral("no_such_function")).toStdString()).correct);
                    QVERIFY(!task.verify(p, "").correct);
                }
        }
    }

    void badInputIsNamed()
    {
        RLRF_VERIFY_THROWS_WITH(bfclTaskFromFile("/nonexistent/BFCL_v4_simple_python.json"), "possible-answer file not found");
        const auto owned = bfclTaskFromFile(questions(QStringLiteral("BFCL_v4_simple_javascript.json")).toStdString());
        const auto &task = *owned;
        RLRF_VERIFY_THROWS_WITH(task.problems(Split::Test, 1000, 1), "were asked for");
        const Problem broken{"bfcl/x", "q", "not json", ""};
        QVERIFY(!task.verify(broken, "f(a=1)").correct);
    }
};

QTEST_GUILESS_MAIN(TestBfclTask)
#include "tst_bfcl_task.moc"
