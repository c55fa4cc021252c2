// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/human_rating_panel.h"

#include "project_session.h"
#include "string_convert.h"

#include "pipeline/critique/human_ratings.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>

#include <memory>

namespace rlrf::ui {

HumanRatingPanel::HumanRatingPanel(ProjectSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_aspect(new QComboBox(this))
    , m_rating(new QComboBox(this))
    , m_rationale(new QLineEdit(this))
    , m_person(new QLineEdit(this))
    , m_add(new QPushButton(tr("Rate another aspect too"), this))
    , m_save(new QPushButton(tr("Store rating"), this))
    , m_pendingLabel(new QLabel(this))
    , m_status(new QLabel(this))
{
    m_add->setObjectName(QStringLiteral("rating.add"));
    m_pendingLabel->setObjectName(QStringLiteral("rating.pending"));
    m_pendingLabel->setWordWrap(true);
    m_aspect->setObjectName(QStringLiteral("rating.aspect"));
    m_rating->setObjectName(QStringLiteral("rating.value"));
    m_rationale->setObjectName(QStringLiteral("rating.rationale"));
    m_person->setObjectName(QStringLiteral("rating.person"));
    m_save->setObjectName(QStringLiteral("rating.save"));
    m_status->setObjectName(QStringLiteral("rating.status"));
    m_status->setWordWrap(true);
    m_rating->addItem(tr("1 — fails"), 1);
    m_rating->addItem(tr("2 — partly meets"), 2);
    m_rating->addItem(tr("3 — fully meets"), 3);
    m_rationale->setPlaceholderText(tr("Why this rating (required)"));
    const QString user = qEnvironmentVariable("USER");
    m_person->setText(user.isEmpty() ? tr("reviewer") : user);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Aspect"), m_aspect);
    form->addRow(tr("Rating"), m_rating);
    form->addRow(tr("Rationale"), m_rationale);
    form->addRow(tr("Rated by"), m_person);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_save, 1);
    form->addRow(buttons);
    form->addRow(m_pendingLabel);
    form->addRow(m_status);

    connect(m_aspect, &QComboBox::currentIndexChanged, this, &HumanRatingPanel::showCurrent);
    connect(m_save, &QPushButton::clicked, this, &HumanRatingPanel::save);
    connect(m_add, &QPushButton::clicked, this, &HumanRatingPanel::keepCurrent);
    setCandidate(nullptr, {});
}

void HumanRatingPanel::setCandidate(const store::CandidateWithCritiques *candidate,
                                    const std::vector<std::string> &aspects)
{
    const qint64 id = candidate ? candidate->candidate.id : 0;
    if (id != m_candidateId)
        m_pending.clear(); // ratings belong to one candidate
    m_candidateId = id;
    m_current.clear();
    if (candidate)
        if (const auto *critique = candidate->latestParsed())
            m_current = critique->critique.aspects;
    const QString keep = m_aspect->currentText();
    m_aspect->blockSignals(true);
    m_aspect->clear();
    for (const auto &name : aspects)
        m_aspect->addItem(toQString(name));
    if (const int i = m_aspect->findText(keep); i >= 0)
        m_aspect->setCurrentIndex(i);
    m_aspect->blockSignals(false);
    setEnabled(candidate != nullptr);
    showPending();
    m_status->setText(candidate ? tr("Rating candidate #%1.").arg(m_candidateId) : tr("Select a candidate to rate it."));
    showCurrent();
}

void HumanRatingPanel::showCurrent()
{
    const std::string aspect = toStdString(m_aspect->currentText());
    for (const auto &a : m_current) {
        if (a.aspect == aspect && a.rating > 0) {
            m_rating->setCurrentIndex(a.rating - 1);
            m_rationale->setText(toQString(a.rationale));
            return;
        }
    }
    m_rationale->clear();
}

void HumanRatingPanel::keepCurrent()
{
    const std::string aspect = toStdString(m_aspect->currentText());
    if (aspect.empty())
        return;
    // An empty rationale is kept too: the backend names the aspect that lacks one.
    m_pending[aspect] = {aspect, m_rating->currentData().toInt(), toStdString(m_rationale->text().trimmed())};
    showPending();
}

void HumanRatingPanel::showPending()
{
    QStringList parts;
    for (const auto &[aspect, rating] : m_pending)
        parts << QStringLiteral("%1 %2").arg(toQString(aspect)).arg(rating.rating);
    m_pendingLabel->setText(parts.isEmpty() ? QString() : tr("To store together: %1").arg(parts.join(QStringLiteral(", "))));
}

void HumanRatingPanel::save()
{
    if (m_candidateId == 0)
        return;
    keepCurrent(); // the aspect on screen is part of the rating
    const qint64 candidateId = m_candidateId;
    const std::string person = toStdString(m_person->text().trimmed());
    std::vector<feedback::HumanRating> ratings;
    for (const auto &[aspect, rating] : m_pending)
        ratings.push_back(rating);
    auto critiqueId = std::make_shared<qint64>(0);
    m_save->setEnabled(false);
    m_status->setText(tr("Storing…"));
    const int job = m_session->run(
        tr("Rate candidate #%1").arg(candidateId),
        [candidateId, person, ratings, critiqueId](store::Project &project, const RunContext &) {
            *critiqueId = store::recordHumanRatings(project, candidateId, person, ratings).critiqueId;
            return JobResult{Outcome::Succeeded, QStringLiteral("stored as critique %1").arg(*critiqueId)};
        },
        [self = QPointer<HumanRatingPanel>(this), candidateId, critiqueId](Outcome outcome, const QString &message) {
            if (self)
                self->showStored(candidateId, outcome == Outcome::Succeeded ? *critiqueId : 0, message);
        });
    if (job == 0) {
        m_save->setEnabled(true);
        m_status->setText(tr("No project is open."));
    }
}

void HumanRatingPanel::showStored(qint64 candidateId, qint64 critiqueId, const QString &message)
{
    m_save->setEnabled(true);
    if (critiqueId == 0) {
        m_status->setText(tr("Not stored: %1").arg(message));
        return;
    }
    m_pending.clear();
    showPending();
    m_status->setText(tr("Stored as critique #%1 (human).").arg(critiqueId));
    Q_EMIT ratingStored(candidateId, critiqueId);
}

} // namespace rlrf::ui
