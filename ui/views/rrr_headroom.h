// SPDX-License-Identifier: GPL-3.0-or-later
// The Headroom section of the Reflect-Retry-Reward area: for one run, before and
// after training, of the failed first tries on the held-out queries how many the
// retry solved after the model's own reflection and how many after the task's
// perfect reflection; and per failure the prompt, the attempt and both
// reflection -> retry chains side by side. Reads the store's rrr_eval_queries
// (store/rrr_eval_repository.h) on the GUI thread, as the rest of the area does;
// a run evaluated before those were kept says so instead.
#pragma once

#include "store/rrr_eval_repository.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace rlrf::store {
class Database;
}

namespace rlrf::ui {

class RrrHeadroomView : public QWidget {
    Q_OBJECT
public:
    explicit RrrHeadroomView(QWidget *parent = nullptr);

    /// Shows `runId`'s recorded queries. The same run again keeps the selected
    /// failure and only reloads when rows were added (a running run's "after").
    /// Throws what the store throws.
    void showRun(store::Database &db, std::int64_t runId);
    void clear();

    QString totalsText() const;
    QTableWidget *failures() const { return m_table; }
    void selectFailure(int row);
    /// "prompt", "attempt", "own reflection", "own retry", "oracle reflection",
    /// "oracle retry", "verdicts": what the selected failure shows.
    QString shownText(const QString &part) const;

private:
    struct Failure {
        bool after = false; // the phase: before or after training
        store::RrrEvalQueryRecord query;
    };
    void fill(const std::vector<store::RrrEvalQueryRecord> &before, const std::vector<store::RrrEvalQueryRecord> &after);

    std::int64_t m_runId = 0;
    std::size_t m_recorded = 0; // rows of both phases shown
    std::vector<Failure> m_rows;
    QLabel *m_totals;
    QTableWidget *m_table;
    QPlainTextEdit *m_prompt, *m_attempt, *m_ownReflection, *m_ownRetry, *m_oracleReflection, *m_oracleRetry;
    QLabel *m_verdicts;
};

} // namespace rlrf::ui
