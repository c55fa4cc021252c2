// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/teaching_page.h"

#include "project_paths.h"
#include "string_convert.h"
#include "views/teaching_render.h"
#include "worker/job_controller.h"

#include "store/project_file.h"
#include "store/rubric_repository.h"
#include "teaching/walkthrough.h"

#include <qcustomplot.h>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace rlrf::ui {

TeachingPage::TeachingPage(JobController *jobs, QWidget *parent)
    : QWidget(parent)
    , m_jobs(jobs)
    , m_model(new QLineEdit(this))
    , m_prompt(new QLineEdit(this))
    , m_view(new QTextBrowser(this))
    , m_plot(new QCustomPlot(this))
    , m_status(new QLabel(this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_back(new QPushButton(tr("◀ Back"), this))
    , m_next(new QPushButton(tr("Next ▶"), this))
{
    QFont large = font();
    large.setPointSizeF(large.pointSizeF() * 1.6);
    m_view->setFont(large);
    m_view->setObjectName(QStringLiteral("teaching.view"));
    m_status->setObjectName(QStringLiteral("teaching.status"));
    for (auto *button : {m_start, m_back, m_next})
        button->setFont(large);
    m_plot->setObjectName(QStringLiteral("teaching.logprobs"));
    m_plot->setMinimumHeight(220);
    m_plot->setVisible(false);
    connect(m_start, &QPushButton::clicked, this, &TeachingPage::startWalkthrough);
    connect(m_back, &QPushButton::clicked, this, &TeachingPage::back);
    connect(m_next, &QPushButton::clicked, this, &TeachingPage::next);
    connect(m_jobs, &JobController::jobFinished, this, [this](int id, Outcome outcome, const QString &message) {
        if (id != m_jobId)
            return;
        m_jobId = 0;
        if (outcome == Outcome::Succeeded) {
            m_pages << renderStage();
            show(static_cast<int>(m_pages.size()) - 1);
            m_status->clear();
        } else {
            m_status->setText(message);
        }
        updateButtons();
    });

    auto *form = new QFormLayout;
    form->addRow(tr("Model folder"), m_model);
    form->addRow(tr("Prompt"), m_prompt);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addStretch();
    buttons->addWidget(m_back);
    buttons->addWidget(m_next);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_view, 3);
    layout->addWidget(m_plot, 2);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    updateButtons();
}

TeachingPage::~TeachingPage() = default;

void TeachingPage::setProject(const QString &path)
{
    try {
        auto project = store::Project::open(toStdString(path));
        if (m_model->text().isEmpty())
            m_model->setText(projectModelFolder(path, project.info().modelDir));
        store::RubricRepository rubrics(project.db());
        if (const auto version = rubrics.current())
            m_rubric = rubrics.load(*version);
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
    }
}

void TeachingPage::setModelFolder(const QString &folder) { m_model->setText(folder); }
void TeachingPage::setPrompt(const QString &prompt) { m_prompt->setText(prompt); }

bool TeachingPage::startWalkthrough()
{
    if (m_jobId != 0)
        return false;
    if (!m_rubric) {
        m_status->setText(tr("Open a project first: its rubric rates the answers."));
        return false;
    }
    try {
        teaching::WalkthroughOptions options;
        options.modelFolder = toStdString(m_model->text().trimmed());
        options.outputFolder = toStdString(m_scratch.filePath(QStringLiteral("dpo-step")));
        m_walk = std::make_shared<teaching::Walkthrough>(options, toStdString(m_prompt->text().trimmed()), *m_rubric);
    } catch (const std::exception &e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    m_pages = QStringList{renderStage()};
    m_plot->setVisible(false);
    show(0);
    updateButtons();
    return true;
}

bool TeachingPage::next()
{
    if (!m_walk || m_jobId != 0)
        return false;
    if (m_shown + 1 < m_pages.size()) {
        show(m_shown + 1);
        return true;
    }
    if (m_walk->stage() == teaching::Stage::Trained)
        return false;
    auto walk = m_walk;
    m_status->setText(tr("Working…"));
    m_jobId = m_jobs->start(tr("Teaching step"), [walk](const RunContext &context) {
        walk->next(context);
        return JobResult{Outcome::Succeeded, QString::fromLatin1(teaching::toString(walk->stage()))};
    });
    updateButtons();
    return true;
}

bool TeachingPage::back()
{
    if (m_shown <= 0)
        return false;
    show(m_shown - 1);
    return true;
}

void TeachingPage::show(int index)
{
    m_shown = index;
    m_view->setHtml(m_pages.value(index));
    const bool last = m_walk && m_walk->logProbs() && index == m_pages.size() - 1 && index == 5;
    if (last)
        plotLogProbs();
    m_plot->setVisible(last);
    updateButtons();
    Q_EMIT stepShown(index);
}

QString TeachingPage::shownHtml() const
{
    return m_pages.value(m_shown);
}

QString TeachingPage::renderStage() const
{
    return renderTeachingStage(*m_walk);
}

bool TeachingPage::logProbsShown() const
{
    return m_plot->isVisibleTo(this);
}

int TeachingPage::logProbSeriesCount() const
{
    return m_plot->plottableCount();
}

void TeachingPage::plotLogProbs()
{
    const auto &lp = *m_walk->logProbs();
    m_plot->clearPlottables();
    auto *before = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    auto *after = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    auto *group = new QCPBarsGroup(m_plot);
    before->setName(tr("before the step"));
    after->setName(tr("after the step"));
    before->setBrush(QColor(160, 160, 160));
    after->setBrush(QColor(20, 110, 190));
    for (auto *bars : {before, after}) {
        bars->setWidth(0.35);
        bars->setBarsGroup(group);
    }
    before->setData({1, 2}, {lp.chosenBefore, lp.rejectedBefore});
    after->setData({1, 2}, {lp.chosenAfter, lp.rejectedAfter});
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTick(1, tr("chosen"));
    ticker->addTick(2, tr("rejected"));
    m_plot->xAxis->setTicker(ticker);
    m_plot->yAxis->setLabel(tr("log p(answer | prompt)"));
    m_plot->legend->setVisible(true);
    m_plot->rescaleAxes();
    m_plot->xAxis->setRange(0.4, 2.6);
    const auto y = m_plot->yAxis->range();
    m_plot->yAxis->setRange(std::min(y.lower * 1.05, 0.0), std::max(y.upper, 0.0));
    m_plot->replot();
}

void TeachingPage::updateButtons()
{
    const bool busy = m_jobId != 0;
    m_start->setEnabled(!busy);
    m_back->setEnabled(!busy && m_shown > 0);
    const bool more = m_walk && (m_shown + 1 < m_pages.size() || m_walk->stage() != teaching::Stage::Trained);
    m_next->setEnabled(!busy && more);
}

} // namespace rlrf::ui
