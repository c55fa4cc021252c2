// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the GUI tests (header-only: tests/common does not link the GUI):
// open a project through ProjectSession and wait for the backend thread.
#pragma once

#include "project_session.h"

#include <QSignalSpy>
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

} // namespace rlrf::test
