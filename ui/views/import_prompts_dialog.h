// SPDX-License-Identifier: GPL-3.0-or-later
// Import Prompts: a file, its format, which fields hold the prompt and the
// reference answer (JSONL and CSV), the split, and a preview of the first rows
// exactly as the importer reads them, so a wrong mapping shows before anything
// is written. The file is read on the backend thread.
#pragma once

#include "core/progress.h"
#include "store/import/prompt_import.h"

#include <memory>
#include <vector>

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace rlrf::ui {

class JobController;

class ImportPromptsDialog : public QDialog {
    Q_OBJECT
public:
    static constexpr int kPreviewRows = 20;

    explicit ImportPromptsDialog(JobController *jobs, QWidget *parent = nullptr);

    tasks::ImportRequest request() const;
    void setInput(const QString &path); // also guesses the format from the extension
    QComboBox *formatBox() const { return m_format; }
    QComboBox *promptFieldBox() const { return m_promptField; }
    QComboBox *answerFieldBox() const { return m_answerField; }
    QTableWidget *preview() const { return m_preview; }
    QLabel *statusLabel() const { return m_status; }

    /// Field names of the file's first record (JSONL keys, CSV header).
    static QStringList fieldsOf(const QString &path, tasks::ImportFormat format);

Q_SIGNALS:
    /// The preview finished: `rows` read (0 with an error in statusLabel()).
    void previewReady(qint64 rows);

private:
    void refreshFields();
    void refreshPreview();
    void showPreview(int jobId, rlrf::Outcome outcome, const QString &message);

    JobController *m_jobs;
    QLineEdit *m_input;
    QComboBox *m_format;
    QComboBox *m_promptField;
    QComboBox *m_answerField;
    QComboBox *m_split;
    QTableWidget *m_preview;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    int m_previewJob = 0;
    std::shared_ptr<std::vector<tasks::ImportedPrompt>> m_pendingRows; // filled on the backend thread
    std::shared_ptr<qint64> m_pendingTotal;
};

} // namespace rlrf::ui
