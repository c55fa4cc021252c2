// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/rubric_page.h"

#include "models/rubric_table_model.h"
#include "project_session.h"
#include "string_convert.h"

#include "core/error.h"
#include "feedback/rubric_diff.h"
#include "store/project_file.h"
#include "store/rubric_repository.h"
#include "types/rubric_io.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <memory>

namespace rlrf::ui {
namespace {

QString versionLabel(const store::RubricVersion &v)
{
    return QStringLiteral("%1 v%2 — %3").arg(toQString(v.name)).arg(v.version).arg(toQString(v.createdAt));
}

} // namespace

RubricPage::RubricPage(ProjectSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new RubricTableModel(this))
    , m_table(new QTableView(this))
    , m_title(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_save(new QPushButton(tr("Save as new version"), this))
{
    m_table->setObjectName(QStringLiteral("rubric.aspects"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(RubricTableModel::NameColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_problem->setObjectName(QStringLiteral("rubric.problem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #a0281c;"));
    m_save->setObjectName(QStringLiteral("rubric.save"));
    auto *importButton = new QPushButton(tr("Import…"), this);
    auto *exportButton = new QPushButton(tr("Export…"), this);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_title, 1);
    buttons->addWidget(importButton);
    buttons->addWidget(exportButton);
    buttons->addWidget(m_save);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(createTextPane());
    split->addWidget(createVersionPane());
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_problem);
    layout->addWidget(split, 1);

    connect(m_model, &RubricTableModel::validated, this, &RubricPage::updateProblem);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showAspect(current.isValid() ? current.row() : -1); });
    connect(m_save, &QPushButton::clicked, this, &RubricPage::saveVersion);
    connect(importButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import Rubric"), {}, tr("Rubric files (*.json)"));
        if (!path.isEmpty())
            importFile(path);
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Rubric"), {}, tr("Rubric files (*.json)"));
        if (!path.isEmpty())
            exportFile(path);
    });
    connect(m_session, &ProjectSession::opened, this, [this] {
        m_model->setModified(false); // another project: its rubric replaces the edits
        reload();
    });
    connect(m_session, &ProjectSession::changed, this, &RubricPage::reload);
    connect(m_session, &ProjectSession::closed, this, &RubricPage::reload);
    updateProblem({});
}

QWidget *RubricPage::createTextPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    m_description = new QPlainTextEdit(pane);
    m_description->setObjectName(QStringLiteral("rubric.description"));
    m_description->setMaximumHeight(70);
    layout->addWidget(new QLabel(tr("What the aspect judges"), pane));
    layout->addWidget(m_description);
    const char *titles[] = {QT_TR_NOOP("Level 1 — fails"), QT_TR_NOOP("Level 2 — partly meets"),
                            QT_TR_NOOP("Level 3 — fully meets")};
    for (int level = 1; level <= 3; ++level) {
        auto *edit = new QPlainTextEdit(pane);
        edit->setObjectName(QStringLiteral("rubric.level%1").arg(level));
        layout->addWidget(new QLabel(tr(titles[level - 1]), pane));
        layout->addWidget(edit, 1);
        m_levels.push_back(edit);
        connect(edit, &QPlainTextEdit::textChanged, this, [this, edit, level] {
            m_model->setAspectText(m_row, static_cast<RubricTableModel::Text>(level), edit->toPlainText());
        });
    }
    connect(m_description, &QPlainTextEdit::textChanged, this, [this] {
        m_model->setAspectText(m_row, RubricTableModel::Text::Description, m_description->toPlainText());
    });
    return pane;
}

QWidget *RubricPage::createVersionPane()
{
    auto *pane = new QWidget(this);
    m_versionList = new QListWidget(pane);
    m_versionList->setObjectName(QStringLiteral("rubric.versions"));
    m_from = new QComboBox(pane);
    m_to = new QComboBox(pane);
    m_diff = new QPlainTextEdit(pane);
    m_diff->setObjectName(QStringLiteral("rubric.diff"));
    m_diff->setReadOnly(true);
    auto *compare = new QPushButton(tr("Compare"), pane);
    auto *pick = new QHBoxLayout;
    pick->addWidget(m_from, 1);
    pick->addWidget(new QLabel(QStringLiteral("→"), pane));
    pick->addWidget(m_to, 1);
    pick->addWidget(compare);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("<b>Versions</b>"), pane));
    layout->addWidget(m_versionList, 1);
    layout->addLayout(pick);
    layout->addWidget(m_diff, 2);
    connect(compare, &QPushButton::clicked, this,
            [this] { compareVersions(m_from->currentIndex(), m_to->currentIndex()); });
    return pane;
}

void RubricPage::reload()
{
    m_versions.clear();
    std::optional<feedback::Rubric> current;
    if (auto *db = m_session->reader()) {
        try {
            store::RubricRepository rubrics(*db);
            if (const auto latest = rubrics.current()) {
                m_versions = rubrics.versions(latest->name);
                current = rubrics.load(*latest);
            }
        } catch (const Error &e) {
            updateProblem(toQString(e.what()));
        }
    }
    m_versionList->clear();
    m_from->clear();
    m_to->clear();
    for (const auto &v : m_versions) {
        m_versionList->addItem(versionLabel(v));
        m_from->addItem(QStringLiteral("v%1").arg(v.version));
        m_to->addItem(QStringLiteral("v%1").arg(v.version));
    }
    m_from->setCurrentIndex(std::max(0, static_cast<int>(m_versions.size()) - 2));
    m_to->setCurrentIndex(static_cast<int>(m_versions.size()) - 1);
    m_title->setText(m_versions.empty() ? tr("No rubric in this project.")
                                        : tr("<b>%1</b>, latest version %2")
                                              .arg(toQString(m_versions.back().name))
                                              .arg(m_versions.back().version));
    if (!m_model->isModified()) { // never throw away edits that are not saved yet
        m_model->setRubric(current.value_or(feedback::Rubric{}));
        if (m_model->rowCount() > 0)
            m_table->selectRow(0);
        else
            showAspect(-1);
    }
    if (m_versions.size() >= 2)
        compareVersions(m_from->currentIndex(), m_to->currentIndex());
}

void RubricPage::showAspect(int row)
{
    m_row = -1; // no edits while the editors are filled
    m_description->setPlainText(m_model->aspectText(row, RubricTableModel::Text::Description));
    for (int level = 1; level <= 3; ++level)
        m_levels[static_cast<size_t>(level - 1)]->setPlainText(
            m_model->aspectText(row, static_cast<RubricTableModel::Text>(level)));
    m_row = row;
}

void RubricPage::updateProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_save->setEnabled(problem.isEmpty() && m_model->rowCount() > 0 && m_session->isOpen());
}

void RubricPage::saveVersion()
{
    if (!m_model->problem().isEmpty() || m_model->rowCount() == 0)
        return;
    const feedback::Rubric rubric = m_model->rubric();
    auto saved = std::make_shared<store::RubricVersion>();
    m_save->setEnabled(false);
    m_session->run(
        tr("Save rubric %1").arg(toQString(rubric.name)),
        [rubric, saved](store::Project &project, const RunContext &) {
            *saved = store::RubricRepository(project.db()).save(rubric);
            return JobResult{Outcome::Succeeded, QStringLiteral("rubric version %1").arg(saved->version)};
        },
        [self = QPointer<RubricPage>(this), saved](Outcome outcome, const QString &message) {
            if (!self)
                return;
            if (outcome != Outcome::Succeeded) {
                self->updateProblem(self->tr("Not saved: %1").arg(message));
                return;
            }
            self->m_model->setModified(false);
            self->updateProblem({});
            Q_EMIT self->versionSaved(saved->id, saved->version);
        });
}

void RubricPage::compareVersions(int from, int to)
{
    const int n = static_cast<int>(m_versions.size());
    if (from < 0 || to < 0 || from >= n || to >= n || !m_session->reader()) {
        m_diff->clear();
        return;
    }
    try {
        store::RubricRepository rubrics(*m_session->reader());
        const auto changes = feedback::diffRubrics(rubrics.load(m_versions[static_cast<size_t>(from)]),
                                                   rubrics.load(m_versions[static_cast<size_t>(to)]));
        QStringList lines;
        for (const auto &change : changes)
            lines << toQString(feedback::describeChange(change));
        m_diff->setPlainText(lines.isEmpty() ? tr("No differences.") : lines.join(QLatin1Char('\n')));
    } catch (const Error &e) {
        m_diff->setPlainText(toQString(e.what()));
    }
}

bool RubricPage::importFile(const QString &path)
{
    try {
        const auto rubric = feedback::loadRubricFile(toStdString(path));
        m_model->setRubric(rubric);
        m_model->setModified(true); // imported, not yet a version
        if (m_model->rowCount() > 0)
            m_table->selectRow(0);
        updateProblem(m_model->problem()); // warnings (an aspect count other than eight) do not block
        return true;
    } catch (const Error &e) {
        updateProblem(toQString(e.what()));
        return false;
    }
}

bool RubricPage::exportFile(const QString &path)
{
    try {
        feedback::saveRubricFile(toStdString(path), m_model->rubric());
        return true;
    } catch (const Error &e) {
        updateProblem(toQString(e.what()));
        return false;
    }
}

} // namespace rlrf::ui
