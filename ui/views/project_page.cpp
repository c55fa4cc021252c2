#include "views/project_page.h"

#include "app_settings.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace rlrf::ui {

ProjectPage::ProjectPage(QWidget *parent)
    : QWidget(parent)
    , m_current(new QLabel(this))
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

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(openButton);
    buttons->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("<h2>Project</h2>"), this));
    layout->addWidget(m_current);
    layout->addLayout(buttons);
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
