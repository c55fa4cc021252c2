// Where tests find the project's sources, the built CLI and the shared reference data.
#pragma once

#include <QString>

namespace rlrf::test {

QString sourceDir();      // the repository root
QString cliPath();        // the built `rlrf`
// ../shared/data (or $RLRF_SHARED_DATA_DIR); the tests that need it fail with a
// message naming the folder when it is missing.
QString sharedDataDir();
QString sharedData(const QString &relative); // QFAIL-friendly: empty when missing

} // namespace rlrf::test
