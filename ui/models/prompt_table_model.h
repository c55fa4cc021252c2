// SPDX-License-Identifier: GPL-3.0-or-later
// The Explorer's prompt list as a lazy table: rows arrive a page at a time
// (keyset paging in the store) as the view scrolls, so a project with a million
// critiques shows its first page as fast as a small one. Reads run on the GUI
// thread's read connection; each is one bounded page query.
#pragma once

#include "store/explorer_repository.h"

#include <QAbstractTableModel>

#include <vector>

namespace rlrf::store {
class Database;
}

namespace rlrf::ui {

class PromptTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, PromptColumn, SplitColumn, CandidatesColumn, BestColumn, GapColumn, StateColumn,
                  ColumnCount };
    static constexpr int kPageSize = 200;

    explicit PromptTableModel(QObject *parent = nullptr);

    /// nullptr clears the list. The connection must outlive the model's use of it.
    void setDatabase(store::Database *db);
    void setFilter(const store::PromptFilter &filter);
    /// "id", "score", "gap", "state" or "candidates" (ExplorerRepository's keys).
    void setSortKey(const std::string &key, bool descending);
    const std::string &sortKey() const { return m_page.sortKey; }
    /// Re-reads from the first page (after the project changed).
    void reload();

    /// Rows matching the filter (counted once per reload).
    qint64 totalCount() const { return m_total; }
    const store::PromptSummary &summary(int row) const { return m_rows.at(static_cast<size_t>(row)); }
    int rowOfPrompt(qint64 promptId) const; // -1 when not loaded

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    /// Header clicks: sortable columns map to the store's sort keys, others are ignored.
    void sort(int column, Qt::SortOrder order) override;

Q_SIGNALS:
    /// A query failed (the message names the file and cause); the list stays as it was.
    void errorOccurred(const QString &message);

private:
    store::Database *m_db = nullptr;
    store::PromptFilter m_filter;
    store::PageRequest m_page{0, kPageSize, "id", false, {}};
    std::vector<store::PromptSummary> m_rows;
    qint64 m_total = 0;
    bool m_exhausted = true;
};

} // namespace rlrf::ui
