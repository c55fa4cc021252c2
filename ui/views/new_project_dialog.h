// SPDX-License-Identifier: GPL-3.0-or-later
// New Project: where the .rlrf file goes, the starting model folder (checked
// and described as it is picked: architecture, sizes, tokenizer, chat
// template), the task and the first rubric. The file is created by the caller,
// on the backend thread.
#pragma once

#include "store/project_setup.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace rlrf::ui {

class NewProjectDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewProjectDialog(QWidget *parent = nullptr);

    store::NewProjectRequest request() const;
    QLineEdit *pathEdit() const { return m_path; }
    QLineEdit *modelEdit() const { return m_model; }
    QLineEdit *rubricEdit() const { return m_rubric; }
    QPlainTextEdit *modelInfo() const { return m_info; }
    /// Empty when the inputs can make a project; otherwise what is wrong.
    QString problem() const { return m_problem; }

    /// The model folder described for people, or the reason it is not usable
    /// (`ok` false). Reads config.json and the safetensors headers only.
    static QString describeModel(const QString &folder, bool *ok);
    /// rubrics/default.json beside the installed or built program, if found.
    static QString defaultRubricPath();

private:
    void validate();

    QLineEdit *m_path;
    QLineEdit *m_model;
    QComboBox *m_task;
    QLineEdit *m_rubric;
    QPlainTextEdit *m_info;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QString m_problem;
    bool m_modelOk = false; // the folder in m_model describes a usable model
};

} // namespace rlrf::ui
