// The Project area: the open project and the list of recent ones.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;

namespace rlrf::ui {

class ProjectPage : public QWidget {
    Q_OBJECT
public:
    explicit ProjectPage(QWidget *parent = nullptr);

    void setCurrentProject(const QString &path);
    void refreshRecent();

Q_SIGNALS:
    void openRequested(const QString &path);
    void openDialogRequested();

private:
    QLabel *m_current;
    QListWidget *m_recent;
};

} // namespace rlrf::ui
