#include "views/about_dialog.h"

#include "string_convert.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace rlrf::ui {

QString AboutDialog::versionsText(const std::optional<RuntimeInfo> &info)
{
    const QString pending = tr("(backend starting…)");
    QStringList lines;
    lines << tr("RLRF Workbench %1").arg(QStringLiteral(RLRF_APP_VERSION));
    lines << tr("Qt: %1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR));
    lines << tr("LibTorch: %1").arg(info ? toQString(info->torchVersion) : pending);
    lines << tr("SQLite: %1").arg(info ? toQString(info->sqliteVersion) : pending);
    lines << tr("QCustomPlot: %1").arg(QStringLiteral(QCUSTOMPLOT_VERSION_STR));
    lines << tr("spdlog: %1").arg(info ? toQString(info->spdlogVersion) : pending);
    lines << tr("BLAS: %1").arg(info ? toQString(info->blas) : pending);
    lines << tr("Threads: %1").arg(info ? QString::number(info->threads) : pending);
    lines << tr("CUDA: %1").arg(info ? (info->cudaAvailable ? tr("available") : tr("not available")) : pending);
    return lines.join(QLatin1Char('\n'));
}

AboutDialog::AboutDialog(const std::optional<RuntimeInfo> &info, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About RLRF Workbench"));
    auto *title = new QLabel(tr("<h2>RLRF Workbench</h2>"
                                "<p>Make language models better through reflective feedback, "
                                "and see and steer every step.</p>"
                                "<p>Licensed under the GNU General Public License, version 3 or later.</p>"),
                             this);
    title->setWordWrap(true);
    auto *versions = new QLabel(versionsText(info), this);
    versions->setObjectName(QStringLiteral("versions"));
    versions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(versions);
    layout->addWidget(buttons);
}

} // namespace rlrf::ui
