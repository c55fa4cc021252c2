// SPDX-License-Identifier: GPL-3.0-or-later
// The Iterations area's table while two runs are compared: per model M_i and
// measure, the first run's value, the second run's and the difference (second −
// first), then, where both runs stored answers for M_i on the same problems, the
// paired comparison (right in one run only, paired differences ± standard error,
// head to head). A side with no evaluation of M_i says "not evaluated" rather
// than showing zeros. Fills itself from eval::compareRuns; reads nothing.
#pragma once

#include "eval/run_comparison.h"
#include "pipeline/run/comparable_runs.h"

#include <QTableWidget>

#include <vector>

namespace rlrf::ui {

class RunComparisonTable : public QTableWidget {
    Q_OBJECT
public:
    explicit RunComparisonTable(QWidget *parent = nullptr);

    void showComparison(const pipeline::ComparableRun &first, const pipeline::ComparableRun &second,
                        const std::vector<eval::IterationComparison> &rows);

    /// The row of M_`iteration`'s `measure` (its text in the Measure column), -1 if none.
    int rowOf(int iteration, const QString &measure) const;

    enum Column { ModelColumn, MeasureColumn, FirstColumn, SecondColumn, DifferenceColumn };
};

} // namespace rlrf::ui
