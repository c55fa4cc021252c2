// SPDX-License-Identifier: GPL-3.0-or-later
// The Explorer's prompt list as a lazy table: rows arrive a page at a time as
// the view scrolls, so a project with a million critiques shows its first page
// as fast as a small one. In id order the pages come straight from the store
// (keyset paging). Sorting by score, gap or state, or filtering by state, needs
// every prompt summarised first: the order (ids only) is computed by an
// OrderLoader off the GUI thread, then the rows of each page are read by id.
// Page reads run on the GUI thread's read connection; each is one bounded query.
#pragma once

#include "store/explorer_repository.h"

#include <QAbstractTableModel>

#include <functional>
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

    /// Computes the prompt order for a sort key and filter somewhere that may
    /// block (the backend thread) and calls `done` on the GUI thread. Without a
    /// loader the model computes it in place.
    using OrderLoader = std::function<void(const std::string &sortKey, bool descending, const store::PromptFilter &filter,
                                           std::function<void(std::vector<std::int64_t>)> done)>;

    explicit PromptTableModel(QObject *parent = nullptr);
    void setOrderLoader(OrderLoader loader) { m_loader = std::move(loader); }
    /// True while an order is being computed (the list is empty meanwhile).
    bool isLoading() const { return m_loading; }

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
    /// The first page is there (after reload(), a sort or a filter change).
    void loaded();
    /// A query failed (the message names the file and cause); the list stays as it was.
    void errorOccurred(const QString &message);

private:
    bool needsOrder() const;
    void orderArrived(int generation, std::vector<std::int64_t> order);

    store::Database *m_db = nullptr;
    OrderLoader m_loader;
    std::vector<std::int64_t> m_order; // ordered mode: every matching id, in order
    bool m_ordered = false;
    bool m_loading = false;
    int m_generation = 0; // answers for an older request are dropped
    store::PromptFilter m_filter;
    store::PageRequest m_page{0, kPageSize, "id", false, {}};
    std::vector<store::PromptSummary> m_rows;
    qint64 m_total = 0;
    bool m_exhausted = true;
};

} // namespace rlrf::ui
