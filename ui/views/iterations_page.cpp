// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/iterations_page.h"

#include "string_convert.h"
#include "views/run_comparison_table.h"

#include "store/project_file.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace rlrf::ui {

namespace {

QCustomPlot *makePlot(const QString &name, const QString &title, QWidget *parent)
{
    auto *plot = new QCustomPlot(parent);
    plot->setObjectName(QStringLiteral("iterations.") + name);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont(plot->font().family(), 10, QFont::Bold)));
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumSize(180, 140);
    return plot;
}

// "M0", "M1", ... under integer keys.
void iterationTicks(QCustomPlot *plot, const std::vector<store::IterationSummary> &summaries)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (const auto &s : summaries)
        ticker->addTick(s.iteration, QStringLiteral("M%1").arg(s.iteration));
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setLabel(QObject::tr("model"));
}

QString optionalText(const std::optional<double> &value, int digits)
{
    return value ? QString::number(*value, 'f', digits) : QStringLiteral("—");
}

} // namespace

IterationsPage::IterationsPage(QWidget *parent)
    : QWidget(parent)
    , m_accuracy(makePlot(QStringLiteral("accuracy"), tr("Held-out accuracy"), this))
    , m_aspects(makePlot(QStringLiteral("aspects"), tr("Per-aspect means (1–3)"), this))
    , m_yield(makePlot(QStringLiteral("yield"), tr("Pair yield (pairs per sampled prompt)"), this))
    , m_winRate(makePlot(QStringLiteral("winrate"), tr("Win rate against the previous model"), this))
    , m_time(makePlot(QStringLiteral("time"), tr("DPO training time (s)"), this))
    , m_table(new QTableWidget(0, 8, this))
    , m_status(new QLabel(this))
    , m_compare(new QComboBox(this))
    , m_first(new QComboBox(this))
    , m_firstLabel(new QLabel(tr("against"), this))
    , m_compareRuns(new QLabel(this))
    , m_compareTable(new RunComparisonTable(this))
{
    // A win rate reads against one half: above it M_i beat M_{i-1} more often than not.
    auto *even = new QCPItemStraightLine(m_winRate);
    even->point1->setCoords(0.0, 0.5);
    even->point2->setCoords(1.0, 0.5);
    even->setPen(QPen(QColor(120, 120, 120), 1.0, Qt::DashLine));
    m_winRate->setToolTip(tr("Per held-out prompt, M_i's answer against M_(i-1)'s: a win, a tie (counted as half) "
                             "or a loss; the verifier's verdict first, then the judge's overall score. "
                             "The dashed line marks 0.5."));
    m_table->setObjectName(QStringLiteral("iterations.table"));
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Accuracy"), tr("Overall"), tr("Win rate"), tr("Prompts"),
                                        tr("Pairs"), tr("Training (s)"), tr("Training run")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_status->setObjectName(QStringLiteral("iterations.status"));
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &IterationsPage::reload);
    m_compare->setObjectName(QStringLiteral("iterations.compare"));
    m_compare->setToolTip(tr("Put a second RLRF run of this project (an ablation, the reward-only baseline) "
                             "beside a first: both runs' bars, their values side by side with the difference, "
                             "and the problems one got right that the other did not."));
    m_compare->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_first->setObjectName(QStringLiteral("iterations.compareFirst"));
    m_first->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_compareRuns->setObjectName(QStringLiteral("iterations.compareRuns"));
    m_compareRuns->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The lists are rebuilt on every reload, so a pick is read back as a run id, never as a row.
    connect(m_compare, qOverload<int>(&QComboBox::activated), this, [this] {
        const auto id = m_compare->currentData();
        compareWith(id.isValid() ? std::optional<std::int64_t>(id.toLongLong()) : std::nullopt, m_firstRun);
    });
    connect(m_first, qOverload<int>(&QComboBox::activated), this,
            [this] { compareWith(m_secondRun, m_first->currentData().toLongLong()); });
    auto *grid = new QGridLayout;
    grid->addWidget(m_accuracy, 0, 0);
    grid->addWidget(m_aspects, 0, 1, 1, 2);
    grid->addWidget(m_yield, 1, 0);
    grid->addWidget(m_winRate, 1, 1);
    grid->addWidget(m_time, 1, 2);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(new QLabel(tr("Compare with…"), this));
    top->addWidget(m_compare);
    top->addWidget(m_firstLabel);
    top->addWidget(m_first);
    top->addWidget(refresh);
    layout->addLayout(top);
    layout->addWidget(m_compareRuns);
    layout->addLayout(grid, 3);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_compareTable, 1);
    m_firstLabel->hide();
    m_first->hide();
    m_compareRuns->hide();
    m_compareTable->hide();
}

bool IterationsPage::setProject(const QString &path)
{
    m_path = path;
    // Run ids are the project's own: a choice made in another project means nothing here.
    m_secondRun.reset();
    m_firstRun.reset();
    m_compareNote.clear();
    return reload();
}

bool IterationsPage::reload()
{
    try {
        auto project = store::Project::open(toStdString(m_path));
        m_summaries = store::iterationSummaries(project.db());
        m_runs = pipeline::comparableRuns(project.db());
        resolveComparison();
        m_comparison.clear();
        if (const auto runs = comparedRuns())
            m_comparison = eval::compareRuns(project.db(), runs->first, runs->second);
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    fillCompareChoices();
    if (comparing())
        showComparison();
    else
        showSingle();
    return true;
}

void IterationsPage::showSingle()
{
    m_firstLabel->hide();
    m_first->hide();
    m_compareRuns->hide();
    m_compareTable->hide();
    m_table->show();
    m_yield->clearItems(); // the comparison's "not per run" note
    std::vector<std::pair<double, double>> accuracy, yield, winRate, time;
    for (const auto &s : m_summaries) {
        if (s.accuracy)
            accuracy.push_back({s.iteration, *s.accuracy});
        if (s.promptsSampled > 0)
            yield.push_back({s.iteration, double(s.pairs) / double(s.promptsSampled)});
        if (s.winRate)
            winRate.push_back({s.iteration, *s.winRate});
        if (s.trainingSeconds)
            time.push_back({s.iteration, *s.trainingSeconds});
    }
    plotScalar(m_accuracy, accuracy, tr("accuracy"));
    plotScalar(m_yield, yield, tr("pairs / prompt"));
    plotScalar(m_winRate, winRate, tr("win rate"), 1.05); // always the whole 0-1 scale, 0.5 line included
    plotScalar(m_time, time, tr("seconds"));
    plotAspects();
    fillTable();
    m_status->setText(m_compareNote
                      + (m_summaries.empty() ? tr("No iterations yet: run the loop or a DPO iteration.")
                                             : tr("%1 iterations").arg(m_summaries.size())));
}

void IterationsPage::plotScalar(QCustomPlot *plot, const std::vector<std::pair<double, double>> &points,
                                const QString &axis, std::optional<double> upper)
{
    plot->clearPlottables();
    plot->legend->setVisible(false); // one series: the comparison's legend goes
    auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidth(0.6);
    bars->setBrush(QColor(70, 130, 180, 170));
    QVector<double> keys, values;
    for (const auto &[k, v] : points)
        keys << k, values << v;
    bars->setData(keys, values);
    iterationTicks(plot, m_summaries);
    plot->yAxis->setLabel(axis);
    plot->rescaleAxes();
    // Every model gets its slot, with or without a value, so the plots line up.
    if (!m_summaries.empty())
        plot->xAxis->setRange(m_summaries.front().iteration - 0.7, m_summaries.back().iteration + 0.7);
    plot->yAxis->setRangeLower(0.0);
    plot->yAxis->setRangeUpper(upper ? *upper : std::max(plot->yAxis->range().upper * 1.1, 1e-6));
    plot->replot();
}

void IterationsPage::plotAspects()
{
    m_aspects->clearPlottables();
    std::set<std::string> names;
    for (const auto &s : m_summaries)
        for (const auto &[name, mean] : s.aspectMeans)
            names.insert(name);
    const std::vector<std::string> aspects(names.begin(), names.end());
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (std::size_t i = 0; i < aspects.size(); ++i)
        ticker->addTick(double(i), toQString(aspects[i]));
    m_aspects->xAxis->setTicker(ticker);
    m_aspects->xAxis->setTickLabelRotation(30);
    auto *group = new QCPBarsGroup(m_aspects);
    int colour = 0;
    for (const auto &s : m_summaries) {
        if (s.aspectMeans.empty())
            continue;
        auto *bars = new QCPBars(m_aspects->xAxis, m_aspects->yAxis);
        bars->setName(QStringLiteral("M%1").arg(s.iteration));
        bars->setBrush(QColor::fromHsv((colour++ * 70) % 360, 150, 200));
        bars->setWidth(0.8 / std::max<std::size_t>(1, m_summaries.size()));
        bars->setBarsGroup(group);
        for (std::size_t i = 0; i < aspects.size(); ++i) {
            const auto it = s.aspectMeans.find(aspects[i]);
            if (it != s.aspectMeans.end())
                bars->addData(double(i), it->second);
        }
    }
    m_aspects->legend->setVisible(m_aspects->plottableCount() > 0);
    m_aspects->xAxis->setRange(-0.6, double(aspects.size()) - 0.4);
    m_aspects->yAxis->setRange(0.0, 3.2);
    m_aspects->replot();
}

void IterationsPage::fillTable()
{
    m_table->setRowCount(static_cast<int>(m_summaries.size()));
    int row = 0;
    for (const auto &s : m_summaries) {
        const QStringList cells{QStringLiteral("M%1").arg(s.iteration),
                                optionalText(s.accuracy, 3),
                                optionalText(s.overall, 3),
                                optionalText(s.winRate, 3),
                                QString::number(s.promptsSampled),
                                QString::number(s.pairs),
                                optionalText(s.trainingSeconds, 1),
                                s.trainingStatus ? toQString(store::toString(*s.trainingStatus)) : QStringLiteral("—")};
        for (int c = 0; c < cells.size(); ++c)
            m_table->setItem(row, c, new QTableWidgetItem(cells[c]));
        ++row;
    }
    m_table->resizeColumnsToContents();
}

int IterationsPage::seriesCount(const QString &name) const
{
    const auto *p = plot(name);
    return p ? p->plottableCount() : 0;
}

std::optional<double> IterationsPage::valueAt(const QString &name, int series, double key) const
{
    auto *p = plot(name);
    auto *bars = p ? qobject_cast<QCPBars *>(p->plottable(series)) : nullptr;
    if (!bars)
        return std::nullopt;
    const auto it = bars->data()->findBegin(key, false);
    if (it == bars->data()->constEnd() || it->key != key)
        return std::nullopt;
    return it->value;
}

QString IterationsPage::seriesName(const QString &name, int series) const
{
    auto *p = plot(name);
    auto *plottable = p && series >= 0 && series < p->plottableCount() ? p->plottable(series) : nullptr;
    return plottable ? plottable->name() : QString();
}

bool IterationsPage::legendShown(const QString &name) const
{
    auto *p = plot(name);
    return p && p->legend->visible();
}

std::optional<double> IterationsPage::referenceLine(const QString &name) const
{
    auto *p = plot(name);
    for (int i = 0; p && i < p->itemCount(); ++i)
        if (auto *line = qobject_cast<QCPItemStraightLine *>(p->item(i));
            line && line->point1->coords().y() == line->point2->coords().y())
            return line->point1->coords().y();
    return std::nullopt;
}

std::pair<double, double> IterationsPage::valueRange(const QString &name) const
{
    auto *p = plot(name);
    return p ? std::pair{p->yAxis->range().lower, p->yAxis->range().upper} : std::pair{0.0, 0.0};
}

QCustomPlot *IterationsPage::plot(const QString &name) const
{
    return findChild<QCustomPlot *>(QStringLiteral("iterations.") + name);
}

} // namespace rlrf::ui
