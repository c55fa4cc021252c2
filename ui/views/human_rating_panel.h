// SPDX-License-Identifier: GPL-3.0-or-later
// A person sets or overrides one aspect's rating and rationale for the selected
// candidate. The result is stored (on the backend thread) as a critique of its
// own, judge "human:<name>", on top of the candidate's newest parsed critique;
// the judge's critique stays as it was.
#pragma once

#include "store/explorer_repository.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace rlrf::ui {

class ProjectSession;

class HumanRatingPanel : public QWidget {
    Q_OBJECT
public:
    explicit HumanRatingPanel(ProjectSession *session, QWidget *parent = nullptr);

    /// The candidate to rate and the aspects a person may rate (the rubric's
    /// applicable ones). nullptr disables the panel.
    void setCandidate(const store::CandidateWithCritiques *candidate, const std::vector<std::string> &aspects);

    QComboBox *aspectBox() const { return m_aspect; }
    QComboBox *ratingBox() const { return m_rating; }
    QLineEdit *rationaleEdit() const { return m_rationale; }
    QLineEdit *personEdit() const { return m_person; }
    QPushButton *saveButton() const { return m_save; }

Q_SIGNALS:
    /// The rating was stored as critique `critiqueId`.
    void ratingStored(qint64 candidateId, qint64 critiqueId);

private:
    void showCurrent();
    void save();
    void showStored(qint64 candidateId, qint64 critiqueId, const QString &message); // critiqueId 0: failed

    ProjectSession *m_session;
    qint64 m_candidateId = 0;
    std::vector<feedback::AspectRating> m_current; // what the candidate has now, per aspect
    QComboBox *m_aspect;
    QComboBox *m_rating;
    QLineEdit *m_rationale;
    QLineEdit *m_person;
    QPushButton *m_save;
    QLabel *m_status;
};

} // namespace rlrf::ui
