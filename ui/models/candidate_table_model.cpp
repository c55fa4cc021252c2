// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/candidate_table_model.h"

#include "string_convert.h"

namespace rlrf::ui {

CandidateTableModel::CandidateTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CandidateTableModel::setAspects(const std::vector<std::string> &aspects)
{
    beginResetModel();
    m_aspects = aspects;
    endResetModel();
}

void CandidateTableModel::setCandidates(std::vector<store::CandidateWithCritiques> candidates)
{
    beginResetModel();
    m_rows = std::move(candidates);
    endResetModel();
}

int CandidateTableModel::rowOfCandidate(qint64 candidateId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].candidate.id == candidateId)
            return static_cast<int>(i);
    return -1;
}

std::string CandidateTableModel::aspectOf(int column) const
{
    const int i = column - FirstAspectColumn;
    return i >= 0 && i < static_cast<int>(m_aspects.size()) ? m_aspects[static_cast<size_t>(i)] : std::string();
}

QColor CandidateTableModel::ratingColour(int rating)
{
    switch (rating) {
    case 1: return QColor(0xf4, 0xa3, 0x9a);
    case 2: return QColor(0xf7, 0xd9, 0x8b);
    case 3: return QColor(0x9f, 0xd8, 0xa4);
    default: return QColor(0xdd, 0xdd, 0xdd);
    }
}

int CandidateTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CandidateTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstAspectColumn + static_cast<int>(m_aspects.size());
}

// The newest critique: a human override or a failed parse shows as what it is.
const store::CritiqueRecord *CandidateTableModel::shownCritique(const store::CandidateWithCritiques &row) const
{
    return row.critiques.empty() ? nullptr : &row.critiques.back();
}

const feedback::AspectRating *CandidateTableModel::rating(const store::CandidateWithCritiques &row, int column) const
{
    const auto *critique = shownCritique(row);
    const std::string name = aspectOf(column);
    if (!critique || name.empty())
        return nullptr;
    for (const auto &a : critique->critique.aspects)
        if (a.aspect == name)
            return &a;
    return nullptr;
}

QVariant CandidateTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto &row = m_rows[static_cast<size_t>(index.row())];
    const auto *critique = shownCritique(row);
    if (index.column() >= FirstAspectColumn) {
        const auto *r = rating(row, index.column());
        switch (role) {
        case Qt::DisplayRole: return r ? (r->rating == 0 ? QStringLiteral("n/a") : QString::number(r->rating)) : QString();
        case Qt::BackgroundRole: return r ? QVariant(ratingColour(r->rating)) : QVariant();
        case Qt::ForegroundRole: return r ? QVariant(QColor(Qt::black)) : QVariant();
        case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignCenter);
        case Qt::ToolTipRole:
        case RationaleRole: return r ? toQString(r->rationale) : QVariant();
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return toQString(row.candidate.text);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return QVariant::fromValue<qlonglong>(row.candidate.id);
    case KindColumn:
        return row.candidate.isRefinement() ? tr("refines #%1").arg(*row.candidate.parentCandidateId)
                                            : tr("sample (M%1)").arg(row.candidate.iteration);
    case OverallColumn:
        if (!critique)
            return tr("not judged");
        return critique->critique.parseStatus == feedback::ParseStatus::Ok
            ? QString::number(critique->critique.overall, 'f', 2)
            : QStringLiteral("–");
    case JudgeColumn: return critique ? toQString(critique->critique.judge) : QString();
    case ParseColumn:
        return !critique ? QString()
            : critique->critique.parseStatus == feedback::ParseStatus::Ok ? tr("ok")
                                                                           : tr("failed: %1").arg(toQString(critique->critique.parseError));
    default: return {};
    }
}

QVariant CandidateTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section >= FirstAspectColumn)
        return toQString(aspectOf(section));
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("#");
    case KindColumn: return tr("Kind");
    case OverallColumn: return tr("Overall");
    case JudgeColumn: return tr("Judge");
    case ParseColumn: return tr("Parse");
    default: return shortName(aspectOf(section));
    }
}

QString CandidateTableModel::shortName(const std::string &aspect)
{
    // Eight columns of full names do not fit beside the rest; the tool tip and
    // the rationale pane give the full name.
    static const std::pair<const char *, const char *> kShort[] = {
        {"Factuality", "Fact."}, {"Logical Correctness", "Logic"}, {"Metacognition", "Meta."},
        {"Insightfulness", "Insight"}, {"Completeness", "Compl."}, {"Comprehension", "Compr."},
        {"Readability", "Read."}, {"Harmlessness", "Harm."}};
    for (const auto &[name, shortForm] : kShort)
        if (aspect == name)
            return QString::fromLatin1(shortForm);
    return toQString(aspect);
}

} // namespace rlrf::ui
