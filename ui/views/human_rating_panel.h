// SPDX-License-Identifier: GPL-3.0-or-later
// A person sets or overrides aspect ratings and rationales for the selected
// candidate. The result is stored (on the backend thread) as a critique of its
// own, judge "human:<name>", on top of the candidate's newest parsed critique;
// the judge's critique stays as it was.
#pragma once

#include "feedback/human_judge.h"
#include "store/explorer_repository.h"

#include <QWidget>

#include <map>

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
    /// Keeps the aspect on screen and lets the person pick another: every kept
    /// rating is stored together with the one on screen (an aspect the judge left
    /// unrated must be rated in the same critique).
    QPushButton *addButton() const { return m_add; }
    QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    /// The rating was stored as critique `critiqueId`.
    void ratingStored(qint64 candidateId, qint64 critiqueId);

private:
    void showCurrent();
    void save();
    void keepCurrent(); // the fields on screen join the ratings stored next
    void showPending();
    void showStored(qint64 candidateId, qint64 critiqueId, const QString &message); // critiqueId 0: failed

    ProjectSession *m_session;
    qint64 m_candidateId = 0;
    std::vector<feedback::AspectRating> m_current; // what the candidate has now, per aspect
    QComboBox *m_aspect;
    QComboBox *m_rating;
    QLineEdit *m_rationale;
    QLineEdit *m_person;
    QPushButton *m_add;
    QPushButton *m_save;
    QLabel *m_pendingLabel;
    QLabel *m_status;
    std::map<std::string, feedback::HumanRating> m_pending; // by aspect, for m_candidateId
};

} // namespace rlrf::ui
