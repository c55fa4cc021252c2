#include "views/project_page.h"

#include "app_settings.h"
#include "project_session.h"
#include "string_convert.h"
#include "views/import_prompts_dialog.h"
#include "views/new_project_dialog.h"

#include "store/database.h"
#include "store/import/prompt_import.h"
#include "store/project_file.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace rlrf::ui {

ProjectPage::ProjectPage(QWidget *parent)
    : QWidget(parent)
    , m_current(new QLabel(this))
    , m_status(new QPlainTextEdit(this))
    , m_newButton(new QPushButton(tr("New Project…"), this))
    , m_importButton(new QPushButton(tr("Import Prompts…"), this))
    , m_recent(new QListWidget(this))
{
    m_current->setObjectName(QStringLiteral("currentProject"));
    m_current->setWordWrap(true);
    m_recent->setObjectName(QStringLiteral("recentProjects"));

    auto *openButton = new QPushButton(tr("Open Project…"), this);
    connect(openButton, &QPushButton::clicked, this, &ProjectPage::openDialogRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT openRequested(item->data(Qt::UserRole).toString());
    });

    m_status->setObjectName(QStringLiteral("projectStatus"));
    m_status->setReadOnly(true);
    m_status->setFont(QFont(QStringLiteral("monospace")));
    m_newButton->setEnabled(false);
    m_importButton->setEnabled(false);
    connect(m_newButton, &QPushButton::clicked, this, &ProjectPage::newProjectDialog);
    connect(m_importButton, &QPushButton::clicked, this, &ProjectPage::importPromptsDialog);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_newButton);
    buttons->addWidget(openButton);
    buttons->addWidget(m_importButton);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h2>Project</h2>"), this));
    layout->addWidget(m_current);
    layout->addLayout(buttons);
    layout->addWidget(m_status, 2);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("<b>Recent projects</b> (double-click to open)"), this));
    layout->addWidget(m_recent, 1);

    setCurrentProject({});
    refreshRecent();
}

void ProjectPage::setCurrentProject(const QString &path)
{
    m_current->setText(path.isEmpty() ? tr("No project is open. A project is one .rlrf file that keeps every "
                                           "prompt, candidate, critique, pair and training run.")
                                      : tr("Open: <b>%1</b><br>%2")
                                            .arg(QFileInfo(path).fileName().toHtmlEscaped(), path.toHtmlEscaped()));
}

void ProjectPage::setSession(ProjectSession *session)
{
    m_session = session;
    m_newButton->setEnabled(true);
    connect(m_session, &ProjectSession::opened, this, &ProjectPage::showStatus);
    connect(m_session, &ProjectSession::statusChanged, this, &ProjectPage::showStatus);
    connect(m_session, &ProjectSession::closed, this, &ProjectPage::showStatus);
    connect(m_session, &ProjectSession::openFailed, this, [this](const QString &path, const QString &message) {
        m_status->setPlainText(tr("Cannot open %1:\n%2").arg(path, message));
    });
}

void ProjectPage::showStatus()
{
    m_importButton->setEnabled(m_session->isOpen());
    const auto &status = m_session->status();
    QString text = status ? toQString(store::formatStatus(*status)) : QString();
    if (status) {
        bool ok = false;
        text += QStringLiteral("\n") + NewProjectDialog::describeModel(toQString(status->info.modelDir), &ok);
    }
    m_status->setPlainText(text);
}

void ProjectPage::newProjectDialog()
{
    NewProjectDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const store::NewProjectRequest request = dialog.request();
    const QString path = toQString(request.path);
    const int job = m_session->jobs()->start(tr("Create %1").arg(path), [request](const RunContext &) {
        const auto result = store::createProject(request);
        return JobResult{Outcome::Succeeded, toQString(result.rubric.name)};
    });
    connect(m_session->jobs(), &JobController::jobFinished, this,
            [this, job, path](int id, Outcome outcome, const QString &message) {
                if (id != job)
                    return;
                if (outcome == Outcome::Succeeded)
                    Q_EMIT openRequested(path);
                else
                    m_status->setPlainText(tr("Not created: %1").arg(message));
            });
}

void ProjectPage::importPromptsDialog()
{
    ImportPromptsDialog dialog(m_session->jobs(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const tasks::ImportRequest request = dialog.request();
    m_session->run(tr("Import %1").arg(toQString(request.inputPath)),
                   [request](store::Project &project, const RunContext &) {
                       const auto summary = tasks::importPrompts(project.db(), request);
                       return JobResult{Outcome::Succeeded,
                                        QStringLiteral("%1 prompts imported").arg(summary.count)};
                   },
                   [self = QPointer<ProjectPage>(this)](Outcome outcome, const QString &message) {
                       if (self && outcome != Outcome::Succeeded)
                           self->m_status->setPlainText(self->tr("Not imported: %1").arg(message));
                   });
}

void ProjectPage::refreshRecent()
{
    m_recent->clear();
    for (const QString &path : AppSettings::recentProjects()) {
        auto *item = new QListWidgetItem(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, m_recent);
        item->setData(Qt::UserRole, path);
        if (!QFileInfo::exists(path))
            item->setForeground(Qt::gray);
    }
}

} // namespace rlrf::ui
