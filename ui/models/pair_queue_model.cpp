// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/pair_queue_model.h"

#include "string_convert.h"

#include <algorithm>

namespace rlrf::ui {

void PairQueueModel::setRows(std::vector<review::PairQueueRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

std::int64_t PairQueueModel::pairId(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<std::size_t>(row)].id : 0;
}

int PairQueueModel::rowOfPair(std::int64_t pairId) const
{
    // Rows come sorted by id (readPairQueue), so a binary search finds one.
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), pairId,
                                     [](const review::PairQueueRow &row, std::int64_t id) { return row.id < id; });
    return it != m_rows.end() && it->id == pairId ? static_cast<int>(it - m_rows.begin()) : -1;
}

int PairQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PairQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PairQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || role != Qt::DisplayRole)
        return {};
    const auto &row = m_rows[static_cast<std::size_t>(index.row())];
    switch (index.column()) {
    case IdColumn: return QVariant::fromValue<qint64>(row.id);
    case StateColumn: return toQString(store::toString(row.state));
    case GapColumn: return QString::number(row.gap, 'f', 3);
    case RuleColumn: return toQString(row.rule);
    case PromptColumn: return toQString(row.promptStart);
    default: return {};
    }
}

QVariant PairQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Pair");
    case StateColumn: return tr("State");
    case GapColumn: return tr("Gap");
    case RuleColumn: return tr("Rule");
    case PromptColumn: return tr("Prompt");
    default: return {};
    }
}

} // namespace rlrf::ui
