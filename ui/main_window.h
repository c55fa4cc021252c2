// The top-level window: menus, the work areas and the Log dock. It switches views
// and forwards user intent; the work itself happens in the views and the backend.
#pragma once

#include <QElapsedTimer>
#include <QMainWindow>

class QLabel;
class QTabWidget;
class QDockWidget;
class QMenu;
class QTimer;

namespace rlrf::ui {

class ExplorerPage;
class JobController;
class LogView;
class ProjectPage;
class ProjectSession;
class RubricPage;
class RunPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The work areas in tab order: Project, Rubric, Explorer, Pairs, Training,
    // Iterations, Teaching, Reflect-Retry-Reward (the Log is a dock).
    QStringList areaNames() const;
    QTabWidget *areas() const { return m_areas; }
    LogView *logView() const { return m_logView; }
    JobController *jobs() const { return m_jobs; }
    ProjectSession *session() const { return m_session; }
    RubricPage *rubricPage() const { return m_rubricPage; }
    ExplorerPage *explorerPage() const { return m_explorerPage; }
    RunPage *runPage() const { return m_runPage; }
    QString currentProject() const { return m_projectPath; }

public Q_SLOTS:
    // Opens a project file; returns false (and tells the user why) when it is not one.
    bool openProject(const QString &path);
    void showAbout();
    // Brings a work area to the front by its title ("Training"); false if unknown.
    bool showArea(const QString &title);

Q_SIGNALS:
    void projectOpened(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createAreas();
    void addLoopAreas();
    void createMenus();
    void rebuildRecentMenu();
    void openProjectDialog();

    QTabWidget *m_areas;
    JobController *m_jobs = nullptr;
    ProjectSession *m_session = nullptr;
    RubricPage *m_rubricPage = nullptr;
    ExplorerPage *m_explorerPage = nullptr;
    QDockWidget *m_logDock;
    LogView *m_logView;
    ProjectPage *m_projectPage;
    QMenu *m_recentMenu = nullptr;
    QString m_projectPath;
    RunPage *m_runPage = nullptr;
    QTimer *m_followReload = nullptr; // the other areas re-read a run's writes at most every few seconds
    bool m_followPending = false;     // a write came while they waited
    QLabel *m_readOnlyNotice = nullptr; // shown while the open project is read-only
};

} // namespace rlrf::ui
