// SPDX-License-Identifier: GPL-3.0-or-later
// The review queue's list: one row per pair (id, state, gap, rule, the start of
// its prompt), filled in one step from a queue read on the backend thread. The
// view asks only for the rows it paints, so thousands of pairs cost the GUI
// thread nothing to show.
#pragma once

#include "pipeline/review/pair_queue.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <vector>

namespace rlrf::ui {

class PairQueueModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, StateColumn, GapColumn, RuleColumn, PromptColumn, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(std::vector<review::PairQueueRow> rows);
    const std::vector<review::PairQueueRow> &rows() const { return m_rows; }
    /// 0 when `row` is out of range.
    std::int64_t pairId(int row) const;
    /// -1 when the pair is not listed.
    int rowOfPair(std::int64_t pairId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<review::PairQueueRow> m_rows;
};

} // namespace rlrf::ui
