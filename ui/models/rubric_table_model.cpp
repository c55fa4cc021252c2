// SPDX-License-Identifier: GPL-3.0-or-later
#include "models/rubric_table_model.h"

#include "string_convert.h"

#include "core/error.h"
#include "types/rubric_io.h"

#include <QColor>

#include <cmath>

namespace rlrf::ui {

RubricTableModel::RubricTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RubricTableModel::setRubric(const feedback::Rubric &rubric)
{
    beginResetModel();
    m_rubric = rubric;
    endResetModel();
    m_modified = false;
    edited();
    m_modified = false;
}

void RubricTableModel::edited()
{
    m_modified = true;
    try {
        // The same rules as a rubric file: what the editor accepts, a file can hold.
        feedback::parseRubric(feedback::rubricToJson(m_rubric), "rubric editor");
        m_problem.clear();
    } catch (const Error &e) {
        m_problem = toQString(e.what());
    }
    Q_EMIT validated(m_problem);
}

QString RubricTableModel::aspectText(int row, Text which) const
{
    if (row < 0 || row >= rowCount())
        return {};
    const auto &aspect = m_rubric.aspects[static_cast<size_t>(row)];
    switch (which) {
    case Text::Description: return toQString(aspect.description);
    case Text::Level1: return toQString(aspect.levels[0]);
    case Text::Level2: return toQString(aspect.levels[1]);
    case Text::Level3: return toQString(aspect.levels[2]);
    }
    return {};
}

void RubricTableModel::setAspectText(int row, Text which, const QString &text)
{
    if (row < 0 || row >= rowCount() || aspectText(row, which) == text)
        return;
    auto &aspect = m_rubric.aspects[static_cast<size_t>(row)];
    std::string &target = which == Text::Description ? aspect.description
        : which == Text::Level1                      ? aspect.levels[0]
        : which == Text::Level2                      ? aspect.levels[1]
                                                     : aspect.levels[2];
    target = toStdString(text);
    edited();
}

int RubricTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rubric.aspects.size());
}

int RubricTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

// The problems a single cell can have, so the table shows where to look.
QString RubricTableModel::cellProblem(int row, int column) const
{
    const auto &aspect = m_rubric.aspects[static_cast<size_t>(row)];
    if (column == NameColumn) {
        if (aspect.name.empty())
            return tr("An aspect needs a name.");
        for (int other = 0; other < rowCount(); ++other)
            if (other != row && m_rubric.aspects[static_cast<size_t>(other)].name == aspect.name)
                return tr("Another aspect has the same name.");
    }
    if (column == WeightColumn && (!std::isfinite(aspect.weight) || aspect.weight < 0))
        return tr("The weight must be a number of at least 0.");
    return {};
}

QVariant RubricTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto &aspect = m_rubric.aspects[static_cast<size_t>(index.row())];
    const QString problem = cellProblem(index.row(), index.column());
    if (role == Qt::BackgroundRole && !problem.isEmpty())
        return QColor(0xf4, 0xa3, 0x9a);
    if (role == Qt::ToolTipRole)
        return problem.isEmpty() ? toQString(aspect.description) : problem;
    switch (index.column()) {
    case NameColumn:
        return role == Qt::DisplayRole || role == Qt::EditRole ? QVariant(toQString(aspect.name)) : QVariant();
    case WeightColumn:
        return role == Qt::DisplayRole || role == Qt::EditRole ? QVariant(aspect.weight) : QVariant();
    case AppliesColumn:
        return role == Qt::CheckStateRole ? QVariant(aspect.applies ? Qt::Checked : Qt::Unchecked) : QVariant();
    default: return {};
    }
}

QVariant RubricTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Aspect");
    case WeightColumn: return tr("Weight");
    case AppliesColumn: return tr("Applies");
    default: return {};
    }
}

Qt::ItemFlags RubricTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    const Qt::ItemFlags base = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    return index.column() == AppliesColumn ? base | Qt::ItemIsUserCheckable : base | Qt::ItemIsEditable;
}

bool RubricTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= rowCount())
        return false;
    auto &aspect = m_rubric.aspects[static_cast<size_t>(index.row())];
    if (index.column() == NameColumn && role == Qt::EditRole) {
        aspect.name = toStdString(value.toString().trimmed());
    } else if (index.column() == WeightColumn && role == Qt::EditRole) {
        bool ok = false;
        const double weight = value.toString().toDouble(&ok);
        if (!ok)
            return false; // not a number: the edit is refused, the old value stays
        aspect.weight = weight;
    } else if (index.column() == AppliesColumn && role == Qt::CheckStateRole) {
        aspect.applies = static_cast<Qt::CheckState>(value.toInt()) == Qt::Checked;
    } else {
        return false;
    }
    // A name or weight can make another row's cell valid or invalid too.
    Q_EMIT dataChanged(this->index(0, 0), this->index(rowCount() - 1, ColumnCount - 1));
    edited();
    return true;
}

} // namespace rlrf::ui
