// Guards two layering rules that the compiler cannot: no LibTorch header in ui/ or
// app/ (Qt's `slots` macro breaks them, pytorch/pytorch#19405), and no Qt in backend/
// (it must build where only LibTorch exists).
#include "common/source_scan.h"

#include <QRegularExpression>
#include <QtTest/QtTest>

namespace {

QStringList offenders(const QString &folder, const QRegularExpression &forbidden)
{
    QStringList found;
    rlrf::test::forEachSourceLine(folder, [&](const QString &path, int lineNo, const QString &line) {
        if (forbidden.match(line).hasMatch())
            found << QStringLiteral("%1:%2: %3").arg(path).arg(lineNo).arg(line.trimmed());
    });
    return found;
}

} // namespace

class TestIncludeHygiene : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void noTorchInQtCode()
    {
        const QRegularExpression torch(QStringLiteral("^\\s*#\\s*include\\s*[<\"](torch/|ATen/|c10/|core/torch_)"));
        const QStringList found = offenders(QStringLiteral("ui"), torch) + offenders(QStringLiteral("app"), torch);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }

    void noQtInBackend()
    {
        const QRegularExpression qt(QStringLiteral("^\\s*#\\s*include\\s*[<\"](Q[A-Z]\\w*|Qt\\w*/)"));
        const QStringList found = offenders(QStringLiteral("backend"), qt);
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestIncludeHygiene)
#include "tst_include_hygiene.moc"
