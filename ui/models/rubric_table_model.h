// SPDX-License-Identifier: GPL-3.0-or-later
// The rubric being edited, one row per aspect: name, weight and whether it
// applies are edited in the table; descriptions and level texts through
// setAspectText(). Every edit is checked at once with the rubric file rules
// (rubric_io.h), and a bad cell is painted red with the reason as its tool tip.
#pragma once

#include "types/rubric.h"

#include <QAbstractTableModel>

namespace rlrf::ui {

class RubricTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, WeightColumn, AppliesColumn, ColumnCount };
    /// Which text of an aspect setAspectText() changes.
    enum class Text { Description, Level1, Level2, Level3 };

    explicit RubricTableModel(QObject *parent = nullptr);

    void setRubric(const feedback::Rubric &rubric);
    const feedback::Rubric &rubric() const { return m_rubric; }
    void setAspectText(int row, Text which, const QString &text);
    QString aspectText(int row, Text which) const;

    /// Empty when the rubric would be accepted by the rubric file rules,
    /// otherwise the first problem, naming the field.
    QString problem() const { return m_problem; }
    bool isModified() const { return m_modified; }
    void setModified(bool modified) { m_modified = modified; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

Q_SIGNALS:
    /// After every accepted edit, with the new problem text (empty when valid).
    void validated(const QString &problem);

private:
    void edited();
    QString cellProblem(int row, int column) const;

    feedback::Rubric m_rubric;
    QString m_problem;
    bool m_modified = false;
};

} // namespace rlrf::ui
