// SPDX-License-Identifier: GPL-3.0-or-later
// Every line of the C++ sources under a folder of the repository, for the tests
// that guard the layering rules (tests/hygiene).
#pragma once

#include <QString>

#include <functional>

namespace rlrf::test {

/// Calls `visit(path, lineNumber, line)` for each line of each *.h, *.hpp and
/// *.cpp under sourceDir()/folder, line numbers from 1.
void forEachSourceLine(const QString &folder,
                       const std::function<void(const QString &path, int lineNumber, const QString &line)> &visit);

} // namespace rlrf::test
