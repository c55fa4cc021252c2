// SPDX-License-Identifier: GPL-3.0-or-later
// The candidates of one prompt, each with its newest critique as an
// eight-aspect heat map (colour and number per aspect), the overall score, the
// judge and whether the judge's answer parsed.
#pragma once

#include "store/explorer_repository.h"

#include <QAbstractTableModel>
#include <QColor>

#include <vector>

namespace rlrf::ui {

class CandidateTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, KindColumn, OverallColumn, JudgeColumn, ParseColumn, FirstAspectColumn };
    /// Role with the rationale of an aspect cell (also its tool tip).
    static constexpr int RationaleRole = Qt::UserRole + 1;

    explicit CandidateTableModel(QObject *parent = nullptr);

    /// Column order of the aspects (the rubric's); aspects a critique has beyond
    /// these are not shown.
    void setAspects(const std::vector<std::string> &aspects);
    const std::vector<std::string> &aspects() const { return m_aspects; }
    void setCandidates(std::vector<store::CandidateWithCritiques> candidates);
    const store::CandidateWithCritiques &candidate(int row) const { return m_rows.at(static_cast<size_t>(row)); }
    int rowOfCandidate(qint64 candidateId) const; // -1 when absent
    /// The aspect a column shows; empty for the other columns.
    std::string aspectOf(int column) const;

    /// Heat-map colours: rating 1 red, 2 amber, 3 green, 0 (does not apply) grey.
    static QColor ratingColour(int rating);
    /// The column title of an aspect ("Logic" for Logical Correctness).
    static QString shortName(const std::string &aspect);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const feedback::AspectRating *rating(const store::CandidateWithCritiques &row, int column) const;
    const store::CritiqueRecord *shownCritique(const store::CandidateWithCritiques &row) const;

    std::vector<std::string> m_aspects;
    std::vector<store::CandidateWithCritiques> m_rows;
};

} // namespace rlrf::ui
