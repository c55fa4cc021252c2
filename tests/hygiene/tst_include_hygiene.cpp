// Guards two layering rules that the compiler cannot: no LibTorch header in ui/ or
// app/ (Qt's `slots` macro breaks them, pytorch/pytorch#19405), and no Qt in backend/
// (it must build where only LibTorch exists).
#include "common/test_paths.h"

#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest/QtTest>

namespace {

QStringList offenders(const QString &folder, const QRegularExpression &forbidden)
{
    QStringList found;
    QDirIterator it(rlrf::test::sourceDir() + QLatin1Char('/') + folder,
                    {QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.hpp")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        int lineNo = 0;
        while (!f.atEnd()) {
            ++lineNo;
            const QString line = QString::fromUtf8(f.readLine());
            if (forbidden.match(line).hasMatch())
                found << QStringLiteral("%1:%2: %3").arg(path).arg(lineNo).arg(line.trimmed());
        }
    }
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
