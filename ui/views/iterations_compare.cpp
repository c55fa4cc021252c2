// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations area with a second run beside the first ("Compare with…"):
// which runs are compared and how they are shown. Every number comes from
// eval::compareRuns, read in IterationsPage::reload, so a comparison follows a
// running run the way the single view does.
#include "views/iterations_page.h"

#include "plots/run_bars.h"
#include "string_convert.h"
#include "views/run_comparison_table.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QSignalBlocker>

#include <functional>
#include <set>

namespace rlrf::ui {

void IterationsPage::compareWith(std::optional<std::int64_t> second, std::optional<std::int64_t> first)
{
    m_secondRun = second;
    m_firstRun = second ? first : std::nullopt;
    m_compareNote.clear();
    reload();
}

std::optional<std::pair<std::int64_t, std::int64_t>> IterationsPage::comparedRuns() const
{
    if (!m_secondRun || !m_firstRun)
        return std::nullopt;
    return std::pair{*m_firstRun, *m_secondRun};
}

const pipeline::ComparableRun *IterationsPage::runById(std::optional<std::int64_t> id) const
{
    for (const auto &run : m_runs)
        if (id && run.id == *id)
            return &run;
    return nullptr;
}

void IterationsPage::resolveComparison()
{
    if (!m_secondRun)
        return;
    if (!runById(m_secondRun)) {
        // Deleted, or another project opened: a choice that no longer names a run is dropped, saying so.
        m_compareNote = tr("Run %1 is no longer in the project; showing all iterations. ").arg(*m_secondRun);
        m_secondRun.reset();
        m_firstRun.reset();
        return;
    }
    if (m_firstRun && *m_firstRun != *m_secondRun && runById(m_firstRun))
        return;
    // Unnamed (or gone): the newest other run that has evaluations, an RLRF one
    // before a baseline, since a baseline is usually what an RLRF run is held against.
    auto rank = [](const pipeline::ComparableRun &r) { return 2 * int(r.evaluated) + int(!r.baseline); };
    const pipeline::ComparableRun *pick = nullptr;
    for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it)
        if (it->id != *m_secondRun && (!pick || rank(*it) > rank(*pick)))
            pick = &*it;
    m_firstRun = pick ? std::optional<std::int64_t>(pick->id) : std::nullopt;
    if (!m_firstRun) {
        m_compareNote = tr("The project has no other RLRF run to compare run %1 with. ").arg(*m_secondRun);
        m_secondRun.reset();
    }
}

void IterationsPage::fillCompareChoices()
{
    const QSignalBlocker blockCompare(m_compare), blockFirst(m_first);
    m_compare->clear();
    m_compare->addItem(tr("nothing (all iterations of the project)"));
    m_first->clear();
    for (const auto &run : m_runs) {
        const QString label = toQString(run.label()) + (run.evaluated ? QString() : tr(" · not evaluated"));
        m_compare->addItem(label, QVariant::fromValue<qlonglong>(run.id));
        if (!m_secondRun || run.id != *m_secondRun)
            m_first->addItem(label, QVariant::fromValue<qlonglong>(run.id));
    }
    m_compare->setEnabled(m_runs.size() >= 2); // comparing needs two runs
    if (m_secondRun)
        m_compare->setCurrentIndex(m_compare->findData(QVariant::fromValue<qlonglong>(*m_secondRun)));
    if (m_firstRun)
        m_first->setCurrentIndex(m_first->findData(QVariant::fromValue<qlonglong>(*m_firstRun)));
}

void IterationsPage::showComparison()
{
    const auto &first = *runById(m_firstRun);
    const auto &second = *runById(m_secondRun);
    m_firstLabel->show();
    m_first->show();
    m_table->hide();
    m_compareTable->show();
    m_compareTable->showComparison(first, second, m_comparison);
    m_compareRuns->setText(tr("First: %1\nSecond: %2").arg(toQString(first.label()), toQString(second.label())));
    m_compareRuns->show();

    std::vector<int> iterations;
    for (const auto &row : m_comparison)
        iterations.push_back(row.iteration);
    const pipeline::ComparableRun *runs[2] = {&first, &second};
    // One scalar of both runs as two bar series, named by run.
    auto scalar = [&](QCustomPlot *plot, const std::function<std::optional<double>(const store::IterationSummary &)> &get,
                      const QString &axis, std::optional<double> upper = std::nullopt) {
        std::vector<RunBarSeries> series;
        for (int side = 0; side < 2; ++side) {
            RunBarSeries s{toQString(runs[side]->name()), runColour(side), {}};
            for (const auto &row : m_comparison) {
                const auto &summary = side == 0 ? row.first : row.second;
                if (summary)
                    if (const auto value = get(*summary))
                        s.points.push_back({row.iteration, *value});
            }
            series.push_back(std::move(s));
        }
        plotRunBars(plot, series, iterations, axis, upper);
    };
    scalar(m_accuracy, [](const auto &s) { return s.accuracy; }, tr("accuracy"));
    scalar(m_winRate, [](const auto &s) { return s.winRate; }, tr("win rate"), 1.05);
    scalar(m_time, [](const auto &s) { return s.trainingSeconds; }, tr("seconds"));
    // Pairs carry no run, so pair yield cannot be split by run: the plot says so
    // rather than showing the project's numbers as if they were either run's.
    plotRunBars(m_yield, {}, iterations, tr("pairs / prompt"));
    m_yield->clearItems();
    auto *note = new QCPItemText(m_yield);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.5, 0.5);
    note->setText(tr("not recorded per run"));
    m_yield->replot();

    // Aspects: a series per run and model, the first run in blues, the second in oranges.
    m_aspects->clearPlottables();
    std::set<std::string> names;
    for (const auto &row : m_comparison)
        for (const auto *s : {&row.first, &row.second})
            if (*s)
                for (const auto &[name, mean] : (*s)->aspectMeans)
                    names.insert(name);
    const std::vector<std::string> aspects(names.begin(), names.end());
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (std::size_t i = 0; i < aspects.size(); ++i)
        ticker->addTick(double(i), toQString(aspects[i]));
    m_aspects->xAxis->setTicker(ticker);
    m_aspects->xAxis->setTickLabelRotation(30);
    auto *group = new QCPBarsGroup(m_aspects);
    std::vector<std::pair<int, const store::IterationSummary *>> bars; // (side, summary)
    for (int side = 0; side < 2; ++side)
        for (const auto &row : m_comparison)
            if (const auto &s = side == 0 ? row.first : row.second; s && !s->aspectMeans.empty())
                bars.push_back({side, &*s});
    int shade[2] = {0, 0};
    for (const auto &[side, summary] : bars) {
        auto *b = new QCPBars(m_aspects->xAxis, m_aspects->yAxis);
        b->setName(QStringLiteral("%1 M%2").arg(toQString(runs[side]->name())).arg(summary->iteration));
        b->setBrush(runColour(side, shade[side]++));
        b->setWidth(0.8 / double(std::max<std::size_t>(1, bars.size())));
        b->setBarsGroup(group);
        for (std::size_t i = 0; i < aspects.size(); ++i)
            if (const auto it = summary->aspectMeans.find(aspects[i]); it != summary->aspectMeans.end())
                b->addData(double(i), it->second);
    }
    m_aspects->legend->setVisible(!bars.empty());
    m_aspects->xAxis->setRange(-0.6, double(aspects.size()) - 0.4);
    m_aspects->yAxis->setRange(0.0, 3.2);
    m_aspects->replot();

    QString status = m_compareNote + tr("Comparing %1 (second) with %2 (first)")
                                         .arg(toQString(second.name()), toQString(first.name()));
    for (const auto *run : runs)
        if (!run->evaluated)
            status += tr(" · %1: not evaluated").arg(toQString(run->name()));
    m_status->setText(status);
}

} // namespace rlrf::ui
