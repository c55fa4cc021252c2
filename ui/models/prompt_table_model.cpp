// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/prompt_table_model.h"

#include "string_convert.h"

#include "core/error.h"

#include <algorithm>

namespace rlrf::ui {
namespace {

QString score(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 2) : QStringLiteral("–");
}

const char *sortKeyOf(int column)
{
    switch (column) {
    case PromptTableModel::IdColumn: return "id";
    case PromptTableModel::CandidatesColumn: return "candidates";
    case PromptTableModel::BestColumn: return "score";
    case PromptTableModel::GapColumn: return "gap";
    case PromptTableModel::StateColumn: return "state";
    default: return nullptr;
    }
}

} // namespace

PromptTableModel::PromptTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PromptTableModel::setDatabase(store::Database *db)
{
    m_db = db;
    reload();
}

void PromptTableModel::setFilter(const store::PromptFilter &filter)
{
    m_filter = filter;
    reload();
}

void PromptTableModel::setSortKey(const std::string &key, bool descending)
{
    m_page.sortKey = key;
    m_page.descending = descending;
    reload();
}

bool PromptTableModel::needsOrder() const
{
    return m_page.sortKey != "id" || m_filter.state.has_value();
}

void PromptTableModel::reload()
{
    const int generation = ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_order.clear();
    m_total = 0;
    m_exhausted = true;
    m_ordered = needsOrder();
    m_loading = false;
    endResetModel();
    if (!m_db)
        return;
    if (m_ordered) {
        m_loading = true;
        auto done = [this, generation](std::vector<std::int64_t> order) { orderArrived(generation, std::move(order)); };
        if (m_loader) {
            m_loader(m_page.sortKey, m_page.descending, m_filter, done);
            return;
        }
        try {
            done(store::ExplorerRepository(*m_db).promptOrder(m_page.sortKey, m_page.descending, m_filter));
        } catch (const Error &e) {
            m_loading = false;
            Q_EMIT errorOccurred(toQString(e.what()));
        }
        return;
    }
    try {
        m_total = store::ExplorerRepository(*m_db).countPrompts(m_filter);
    } catch (const Error &e) {
        Q_EMIT errorOccurred(toQString(e.what()));
        return;
    }
    m_exhausted = false;
    fetchMore({});
    Q_EMIT loaded();
}

void PromptTableModel::orderArrived(int generation, std::vector<std::int64_t> order)
{
    if (generation != m_generation || !m_db)
        return; // a newer sort or filter asked meanwhile
    m_loading = false;
    m_order = std::move(order);
    m_total = static_cast<qint64>(m_order.size());
    m_exhausted = m_order.empty();
    fetchMore({});
    Q_EMIT loaded();
}

int PromptTableModel::rowOfPrompt(qint64 promptId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == promptId)
            return static_cast<int>(i);
    return -1;
}

int PromptTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PromptTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool PromptTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted;
}

void PromptTableModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_exhausted || !m_db)
        return;
    std::vector<store::PromptSummary> more;
    try {
        store::ExplorerRepository explorer(*m_db);
        if (m_ordered) {
            const size_t from = m_rows.size();
            const size_t to = std::min(m_order.size(), from + static_cast<size_t>(kPageSize));
            more = explorer.promptsByIds({m_order.begin() + static_cast<std::ptrdiff_t>(from),
                                          m_order.begin() + static_cast<std::ptrdiff_t>(to)});
            m_exhausted = to >= m_order.size();
        } else {
            store::PageRequest page = m_page;
            if (!m_rows.empty())
                page.afterId = m_rows.back().id; // keyset: the cost does not grow with depth
            more = explorer.prompts(page, m_filter);
            m_exhausted = more.size() < static_cast<size_t>(m_page.limit);
        }
    } catch (const Error &e) {
        m_exhausted = true;
        Q_EMIT errorOccurred(toQString(e.what()));
        return;
    }
    if (more.empty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(more.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    endInsertRows();
}

QVariant PromptTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto &s = m_rows[static_cast<size_t>(index.row())];
    if (role == Qt::ToolTipRole && index.column() == PromptColumn)
        return toQString(s.text);
    if (role == Qt::TextAlignmentRole && index.column() != PromptColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return QVariant::fromValue<qlonglong>(s.id);
    case PromptColumn: return toQString(s.text).simplified();
    case SplitColumn: return toQString(store::toString(s.split));
    case CandidatesColumn:
        return s.refinements > 0 ? QStringLiteral("%1 + %2 ref.").arg(s.samples).arg(s.refinements)
                                 : QString::number(s.samples);
    case BestColumn: return score(s.best);
    case GapColumn: return score(s.gap());
    case StateColumn: return toQString(store::toString(s.state));
    default: return {};
    }
}

QVariant PromptTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("#");
    case PromptColumn: return tr("Prompt");
    case SplitColumn: return tr("Split");
    case CandidatesColumn: return tr("Candidates");
    case BestColumn: return tr("Best");
    case GapColumn: return tr("Gap");
    case StateColumn: return tr("State");
    default: return {};
    }
}

void PromptTableModel::sort(int column, Qt::SortOrder order)
{
    if (const char *key = sortKeyOf(column))
        setSortKey(key, order == Qt::DescendingOrder);
}

} // namespace rlrf::ui
