// The Project area: the open project with its counts, New Project and Import
// Prompts, and the list of recent projects.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QListWidget;
class QListWidgetItem;

namespace rlrf::ui {

class ProjectSession;

class ProjectPage : public QWidget {
    Q_OBJECT
public:
    explicit ProjectPage(QWidget *parent = nullptr);

    /// Enables New Project and Import Prompts and shows the open project's counts.
    void setSession(ProjectSession *session);
    void setCurrentProject(const QString &path);
    void refreshRecent();
    QPlainTextEdit *statusView() const { return m_status; }

    /// Creates the project on the backend thread, then asks to open it.
    void newProjectDialog();
    void importPromptsDialog();

Q_SIGNALS:
    void openRequested(const QString &path);
    void openDialogRequested();

private:
    void showStatus();

    QLabel *m_current;
    QPlainTextEdit *m_status;
    QPushButton *m_newButton;
    QPushButton *m_importButton;
    QListWidget *m_recent;
    ProjectSession *m_session = nullptr;
};

} // namespace rlrf::ui
