// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the GUI tests (header-only: tests/common does not link the GUI):
// open a project through ProjectSession and wait for the backend thread; save a
// widget's picture for the documentation.
#pragma once

#include "project_session.h"

#include <QSignalSpy>
#include <QWidget>
#include <QtTest/QtTest>

namespace rlrf::test {

/// True once `session` reports the project open (within 30 s); warns why not.
inline bool openAndWait(ui::ProjectSession &session, const QString &path)
{
    QSignalSpy opened(&session, &ui::ProjectSession::opened);
    QSignalSpy failed(&session, &ui::ProjectSession::openFailed);
    session.open(path);
    (void)QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 30000);
    if (!failed.isEmpty())
        qWarning("open failed: %s", qPrintable(failed.at(0).at(1).toString()));
    return !opened.isEmpty();
}

/// Waits until no job is running or queued on the controller.
inline bool waitIdle(ui::JobController &jobs, int timeoutMs = 30000)
{
    return QTest::qWaitFor([&] { return !jobs.isBusy(); }, timeoutMs);
}

/// With RLRF_SCREENSHOT_DIR set, saves the widget as DIR/name (for docs/screenshots).
inline void saveScreenshot(QWidget &widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("RLRF_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        widget.grab().save(dir + QLatin1Char('/') + name);
}

} // namespace rlrf::test
