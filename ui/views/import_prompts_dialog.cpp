// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/import_prompts_dialog.h"

#include "string_convert.h"
#include "worker/job_controller.h"

#include "store/import/dataset_importers.h"

#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>

#include <memory>

namespace rlrf::ui {
namespace {

std::vector<tasks::ImportedPrompt> readAll(const tasks::ImportRequest &r)
{
    switch (r.format) {
    case tasks::ImportFormat::Gsm8k: return tasks::readGsm8k(r.inputPath);
    case tasks::ImportFormat::JustEval: return tasks::readJustEval(r.inputPath);
    case tasks::ImportFormat::Bfcl: return tasks::readBfcl(r.inputPath, r.answersPath);
    case tasks::ImportFormat::Jsonl: return tasks::readJsonlPrompts(r.inputPath, r.mapping);
    case tasks::ImportFormat::Csv: return tasks::readCsvPrompts(r.inputPath, r.mapping);
    }
    return {};
}

QString firstLine(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    while (!file.atEnd()) {
        const QByteArray line = file.readLine(1 << 20).trimmed();
        if (!line.isEmpty())
            return QString::fromUtf8(line);
    }
    return {};
}

} // namespace

ImportPromptsDialog::ImportPromptsDialog(JobController *jobs, QWidget *parent)
    : QDialog(parent)
    , m_jobs(jobs)
    , m_input(new QLineEdit(this))
    , m_format(new QComboBox(this))
    , m_promptField(new QComboBox(this))
    , m_answerField(new QComboBox(this))
    , m_split(new QComboBox(this))
    , m_preview(new QTableWidget(0, 3, this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Import Prompts"));
    resize(820, 560);
    for (const char *f : {"jsonl", "csv", "gsm8k", "just-eval", "bfcl"})
        m_format->addItem(QString::fromLatin1(f));
    m_promptField->setEditable(true);
    m_answerField->setEditable(true);
    m_split->addItem(tr("from the file name"), QString());
    for (const char *s : {"train", "validation", "test"})
        m_split->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_preview->setObjectName(QStringLiteral("import.preview"));
    m_preview->setHorizontalHeaderLabels({tr("Row"), tr("Prompt"), tr("Reference answer")});
    m_preview->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_status->setWordWrap(true);

    auto *inputRow = new QHBoxLayout;
    auto *browse = new QPushButton(tr("Browse…"), this);
    inputRow->addWidget(m_input, 1);
    inputRow->addWidget(browse);
    auto *form = new QFormLayout(this);
    form->addRow(tr("File"), inputRow);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Prompt field"), m_promptField);
    form->addRow(tr("Answer field"), m_answerField);
    form->addRow(tr("Split"), m_split);
    form->addRow(m_preview);
    form->addRow(m_status);
    form->addRow(m_buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Prompt File"), {},
                                                          tr("Prompt files (*.jsonl *.json *.csv *.parquet);;All files (*)"));
        if (!path.isEmpty())
            setInput(path);
    });
    connect(m_input, &QLineEdit::editingFinished, this, [this] { setInput(m_input->text()); });
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        refreshFields();
        refreshPreview();
    });
    connect(m_promptField, &QComboBox::currentTextChanged, this, &ImportPromptsDialog::refreshPreview);
    connect(m_answerField, &QComboBox::currentTextChanged, this, &ImportPromptsDialog::refreshPreview);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(m_jobs, &JobController::jobFinished, this, &ImportPromptsDialog::showPreview);
}

void ImportPromptsDialog::setInput(const QString &path)
{
    m_input->setText(path);
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool blocked = m_format->blockSignals(true);
    if (suffix == QStringLiteral("csv"))
        m_format->setCurrentText(QStringLiteral("csv"));
    else if (suffix == QStringLiteral("jsonl") && m_format->currentText() == QStringLiteral("csv"))
        m_format->setCurrentText(QStringLiteral("jsonl"));
    m_format->blockSignals(blocked);
    refreshFields();
    refreshPreview();
}

QStringList ImportPromptsDialog::fieldsOf(const QString &path, tasks::ImportFormat format)
{
    const QString line = firstLine(path);
    QStringList fields;
    if (format == tasks::ImportFormat::Csv) {
        for (const QString &name : line.split(QLatin1Char(',')))
            fields << name.trimmed().remove(QLatin1Char('"'));
    } else if (format == tasks::ImportFormat::Jsonl) {
        const auto json = nlohmann::json::parse(toStdString(line), nullptr, false);
        if (json.is_object())
            for (const auto &item : json.items())
                fields << toQString(item.key());
    }
    return fields;
}

void ImportPromptsDialog::refreshFields()
{
    const auto format = tasks::parseImportFormat(toStdString(m_format->currentText()));
    const bool mapped = format == tasks::ImportFormat::Jsonl || format == tasks::ImportFormat::Csv;
    m_promptField->setEnabled(mapped);
    m_answerField->setEnabled(mapped);
    const QStringList fields = mapped ? fieldsOf(m_input->text(), format) : QStringList();
    const bool b1 = m_promptField->blockSignals(true), b2 = m_answerField->blockSignals(true);
    m_promptField->clear();
    m_answerField->clear();
    m_promptField->addItems(fields);
    m_answerField->addItem(QString()); // no reference answer
    m_answerField->addItems(fields);
    // Common names first: what most prompt files call their fields.
    for (const char *name : {"prompt", "question", "instruction", "input"})
        if (const int i = m_promptField->findText(QString::fromLatin1(name)); i >= 0) {
            m_promptField->setCurrentIndex(i);
            break;
        }
    for (const char *name : {"answer", "reference", "output", "solution"})
        if (const int i = m_answerField->findText(QString::fromLatin1(name)); i >= 0) {
            m_answerField->setCurrentIndex(i);
            break;
        }
    m_promptField->blockSignals(b1);
    m_answerField->blockSignals(b2);
}

tasks::ImportRequest ImportPromptsDialog::request() const
{
    tasks::ImportRequest r;
    r.format = tasks::parseImportFormat(toStdString(m_format->currentText()));
    r.inputPath = toStdString(m_input->text());
    if (const QString split = m_split->currentData().toString(); !split.isEmpty())
        r.split = store::parseSplit(toStdString(split));
    r.mapping.promptField = toStdString(m_promptField->currentText());
    r.mapping.answerField = toStdString(m_answerField->currentText());
    return r;
}

void ImportPromptsDialog::refreshPreview()
{
    if (m_input->text().isEmpty())
        return;
    const tasks::ImportRequest r = request();
    auto rows = std::make_shared<std::vector<tasks::ImportedPrompt>>();
    auto total = std::make_shared<qint64>(0);
    m_status->setText(tr("Reading %1…").arg(m_input->text()));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    const int job = m_jobs->start(tr("Preview %1").arg(m_input->text()), [r, rows, total](const RunContext &) {
        auto all = readAll(r);
        *total = static_cast<qint64>(all.size());
        all.resize(std::min<std::size_t>(all.size(), kPreviewRows));
        *rows = std::move(all);
        return JobResult{Outcome::Succeeded, {}};
    });
    m_previewJob = job;
    m_pendingRows = rows;
    m_pendingTotal = total;
}

void ImportPromptsDialog::showPreview(int jobId, Outcome outcome, const QString &message)
{
    if (jobId != m_previewJob || !m_pendingRows)
        return; // another job, or a preview that a newer one replaced
    m_preview->setRowCount(0);
    for (const auto &p : *m_pendingRows) {
        const int row = m_preview->rowCount();
        m_preview->insertRow(row);
        m_preview->setItem(row, 0, new QTableWidgetItem(QString::number(p.sourceRow)));
        m_preview->setItem(row, 1, new QTableWidgetItem(toQString(p.text)));
        m_preview->setItem(row, 2, new QTableWidgetItem(toQString(p.referenceAnswer.value_or(""))));
    }
    const bool ok = outcome == Outcome::Succeeded;
    const qint64 total = ok ? *m_pendingTotal : 0;
    m_status->setText(ok ? tr("%1 prompts will be imported (first %2 shown).").arg(total).arg(m_pendingRows->size())
                         : message);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(total > 0);
    Q_EMIT previewReady(total);
}

} // namespace rlrf::ui
