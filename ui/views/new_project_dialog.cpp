// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/new_project_dialog.h"

#include "string_convert.h"

#include "core/error.h"
#include "pipeline/project/model_folder_summary.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace rlrf::ui {
namespace {

QWidget *withBrowse(QLineEdit *edit, QWidget *parent, std::function<QString()> pick)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *browse = new QPushButton(QObject::tr("Browse…"), row);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, pick] {
        const QString path = pick();
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}

} // namespace

NewProjectDialog::NewProjectDialog(QWidget *parent)
    : QDialog(parent)
    , m_path(new QLineEdit(this))
    , m_model(new QLineEdit(this))
    , m_task(new QComboBox(this))
    , m_rubric(new QLineEdit(defaultRubricPath(), this))
    , m_info(new QPlainTextEdit(this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New Project"));
    m_task->setEditable(true);
    m_task->addItems({QStringLiteral("arith"), QStringLiteral("gsm8k"), QStringLiteral("countdown"),
                      QStringLiteral("bfcl"), QStringLiteral("just-eval")});
    m_info->setObjectName(QStringLiteral("newProject.modelInfo"));
    m_info->setReadOnly(true);
    m_info->setMinimumHeight(160);
    m_status->setWordWrap(true);
    m_status->setStyleSheet(QStringLiteral("color: #a0281c;"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Project file"), withBrowse(m_path, this, [this] {
                     return QFileDialog::getSaveFileName(this, tr("New Project"), {}, tr("RLRF projects (*.rlrf)"));
                 }));
    form->addRow(tr("Model folder"), withBrowse(m_model, this, [this] {
                     return QFileDialog::getExistingDirectory(this, tr("Model Folder"));
                 }));
    form->addRow(tr("Model"), m_info);
    form->addRow(tr("Task"), m_task);
    form->addRow(tr("Rubric file"), withBrowse(m_rubric, this, [this] {
                     return QFileDialog::getOpenFileName(this, tr("Rubric"), {}, tr("Rubric files (*.json)"));
                 }));
    form->addRow(m_status);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_model, &QLineEdit::textChanged, this, [this](const QString &folder) {
        m_modelOk = false; // read once per folder, not on every keystroke elsewhere
        m_info->setPlainText(folder.isEmpty() ? QString() : describeModel(folder, &m_modelOk));
        validate();
    });
    for (auto *edit : {m_path, m_rubric})
        connect(edit, &QLineEdit::textChanged, this, &NewProjectDialog::validate);
    connect(m_task, &QComboBox::currentTextChanged, this, &NewProjectDialog::validate);
    validate();
}

QString NewProjectDialog::describeModel(const QString &folder, bool *ok)
{
    try {
        const auto summary = pipeline::modelFolderSummary(toStdString(folder));
        *ok = true;
        return toQString(summary);
    } catch (const Error &e) {
        *ok = false;
        return tr("Not a usable model folder: %1").arg(toQString(e.what()));
    }
}

QString NewProjectDialog::defaultRubricPath()
{
    const QDir bin(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {bin.filePath(QStringLiteral("../share/rlrf-workbench/rubrics/default.json")),
                                     bin.filePath(QStringLiteral("../../rubrics/default.json"))})
        if (QFileInfo::exists(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    return {};
}

void NewProjectDialog::validate()
{
    if (m_path->text().isEmpty())
        m_problem = tr("Choose where the project file goes.");
    else if (QFileInfo::exists(m_path->text()))
        m_problem = tr("%1 exists already; a new project needs a new file.").arg(m_path->text());
    else if (!m_modelOk)
        m_problem = tr("Choose a model folder with a config.json and safetensors weights.");
    else if (m_task->currentText().trimmed().isEmpty())
        m_problem = tr("Name the task.");
    else if (!QFileInfo::exists(m_rubric->text()))
        m_problem = tr("Choose a rubric file.");
    else
        m_problem.clear();
    m_status->setText(m_problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problem.isEmpty());
}

store::NewProjectRequest NewProjectDialog::request() const
{
    return {toStdString(m_path->text()), toStdString(m_model->text()), toStdString(m_task->currentText().trimmed()),
            toStdString(m_rubric->text())};
}

} // namespace rlrf::ui
