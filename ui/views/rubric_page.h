// SPDX-License-Identifier: GPL-3.0-or-later
// The Rubric area: the aspects as a table (name, weight, applies) with the
// description and the three level texts of the selected aspect beside it,
// checked as they are typed; saving stores a new rubric version (on the backend
// thread), any two versions can be compared, and rubric files can be imported
// and exported.
#pragma once

#include "types/records.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace rlrf::ui {

class ProjectSession;
class RubricTableModel;

class RubricPage : public QWidget {
    Q_OBJECT
public:
    explicit RubricPage(ProjectSession *session, QWidget *parent = nullptr);

    RubricTableModel *model() const { return m_model; }
    QTableView *aspectView() const { return m_table; }
    QPlainTextEdit *levelEdit(int level) const { return m_levels.at(static_cast<size_t>(level - 1)); } // 1..3
    QPlainTextEdit *descriptionEdit() const { return m_description; }
    QLabel *problemLabel() const { return m_problem; }
    QPushButton *saveButton() const { return m_save; }
    QPlainTextEdit *diffView() const { return m_diff; }
    const std::vector<store::RubricVersion> &versions() const { return m_versions; }

    /// Stores the edited rubric as a new version; versionSaved() follows.
    void saveVersion();
    /// Compares two versions (indexes into versions()) into diffView().
    void compareVersions(int from, int to);
    /// Loads a rubric file into the editor (not yet saved); false with the
    /// reason in problemLabel() when the file is not a valid rubric.
    bool importFile(const QString &path);
    bool exportFile(const QString &path);

Q_SIGNALS:
    void versionSaved(qint64 versionId, int version);

private:
    QWidget *createVersionPane();
    QWidget *createTextPane();
    void reload();
    void showAspect(int row);
    void updateProblem(const QString &problem);

    ProjectSession *m_session;
    RubricTableModel *m_model;
    std::vector<store::RubricVersion> m_versions;
    QTableView *m_table;
    QLabel *m_title;
    QLabel *m_problem;
    QPushButton *m_save;
    QListWidget *m_versionList = nullptr;
    QComboBox *m_from = nullptr;
    QComboBox *m_to = nullptr;
    QPlainTextEdit *m_diff = nullptr;
    QPlainTextEdit *m_description = nullptr;
    std::vector<QPlainTextEdit *> m_levels;
    int m_row = -1;
};

} // namespace rlrf::ui
