// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/run_comparison_table.h"

#include "string_convert.h"

#include <QHeaderView>

#include <cmath>
#include <functional>
#include <set>

namespace rlrf::ui {

namespace {

using Summary = std::optional<store::IterationSummary>;

// An iteration a run only trained (its DPO pass) has a row but no evaluation.
bool evaluated(const Summary &s)
{
    return s && (s->accuracy || s->overall || s->winRate || !s->aspectMeans.empty());
}

QString number(double value, int digits)
{
    return QString::number(value, 'f', digits);
}

// Always signed, so a difference reads as one; a rounded zero is "+0.000", never "-0.000".
QString signedNumber(double value, int digits)
{
    const double rounded = std::round(value * std::pow(10.0, digits)) / std::pow(10.0, digits);
    return (rounded >= 0.0 ? QStringLiteral("+") : QString()) + number(rounded == 0.0 ? 0.0 : rounded, digits);
}

QString withError(const std::optional<eval::PairedDifference> &d)
{
    if (!d)
        return QObject::tr("no verdicts");
    return signedNumber(d->mean, 3)
           + (d->standardError ? QStringLiteral(" ± ") + number(*d->standardError, 3) : QString());
}

} // namespace

RunComparisonTable::RunComparisonTable(QWidget *parent)
    : QTableWidget(0, 5, parent)
{
    setObjectName(QStringLiteral("iterations.compareTable"));
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
}

void RunComparisonTable::showComparison(const pipeline::ComparableRun &first, const pipeline::ComparableRun &second,
                                        const std::vector<eval::IterationComparison> &rows)
{
    setHorizontalHeaderLabels({tr("Model"), tr("Measure"), toQString(first.name()), toQString(second.name()),
                               tr("Difference (second − first)")});
    horizontalHeaderItem(FirstColumn)->setToolTip(toQString(first.label()));
    horizontalHeaderItem(SecondColumn)->setToolTip(toQString(second.label()));
    setRowCount(0);
    auto add = [this](int iteration, const QString &measure, const QString &a, const QString &b, const QString &d) {
        const int row = rowCount();
        insertRow(row);
        const QStringList cells{QStringLiteral("M%1").arg(iteration), measure, a, b, d};
        for (int c = 0; c < cells.size(); ++c)
            setItem(row, c, new QTableWidgetItem(cells[c]));
    };
    const QString notEvaluated = tr("not evaluated");
    for (const auto &r : rows) {
        const bool haveA = evaluated(r.first), haveB = evaluated(r.second);
        // One measure: both values and their difference, "—" where a run has none.
        auto measure = [&](const QString &name, const std::function<std::optional<double>(const store::IterationSummary &)> &get,
                           int digits) {
            const auto a = haveA ? get(*r.first) : std::nullopt;
            const auto b = haveB ? get(*r.second) : std::nullopt;
            const QString none = QStringLiteral("—");
            add(r.iteration, name, haveA ? (a ? number(*a, digits) : none) : notEvaluated,
                haveB ? (b ? number(*b, digits) : none) : notEvaluated, a && b ? signedNumber(*b - *a, digits) : none);
        };
        measure(tr("Accuracy"), [](const auto &s) { return s.accuracy; }, 3);
        measure(tr("Overall score"), [](const auto &s) { return s.overall; }, 3);
        measure(tr("Win rate against the previous model"), [](const auto &s) { return s.winRate; }, 3);
        std::set<std::string> aspects;
        for (const auto *s : {&r.first, &r.second})
            if (*s)
                for (const auto &[name, mean] : (*s)->aspectMeans)
                    aspects.insert(name);
        for (const auto &aspect : aspects)
            measure(tr("Aspect %1 (1–3)").arg(toQString(aspect)),
                    [&aspect](const store::IterationSummary &s) -> std::optional<double> {
                        const auto it = s.aspectMeans.find(aspect);
                        return it == s.aspectMeans.end() ? std::nullopt : std::optional<double>(it->second);
                    },
                    2);
        if (!haveA || !haveB)
            continue; // nothing to pair
        if (!r.paired) {
            add(r.iteration, tr("Paired comparison"), QString(), QString(),
                tr("no answers stored for the same problems"));
            continue;
        }
        const auto &p = *r.paired;
        add(r.iteration, tr("Problems both answered"), QString(), QString(), QString::number(p.problems));
        if (p.judged > 0) {
            add(r.iteration, tr("Right in this run only"), QString::number(p.firstOnlyRight),
                QString::number(p.secondOnlyRight), QString::number(p.secondOnlyRight - p.firstOnlyRight));
            add(r.iteration, tr("Right in both / wrong in both"), QString(), QString(),
                tr("%1 / %2").arg(p.bothRight).arg(p.bothWrong));
        }
        add(r.iteration, tr("Paired accuracy difference ± SE"), QString(), QString(), withError(p.accuracy));
        add(r.iteration, tr("Paired overall difference ± SE"), QString(), QString(), withError(p.overall));
        add(r.iteration, tr("Second against first: wins / ties / losses"), QString(), QString(),
            tr("%1 / %2 / %3").arg(p.secondAgainstFirst.wins).arg(p.secondAgainstFirst.ties)
                .arg(p.secondAgainstFirst.losses));
    }
    resizeColumnsToContents();
}

int RunComparisonTable::rowOf(int iteration, const QString &measure) const
{
    const QString model = QStringLiteral("M%1").arg(iteration);
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, ModelColumn)->text() == model && item(row, MeasureColumn)->text() == measure)
            return row;
    return -1;
}

} // namespace rlrf::ui
