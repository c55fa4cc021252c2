// SPDX-License-Identifier: GPL-3.0-or-later
// Asserting that a backend call fails with an rlrf::Error whose message contains
// a given part (a file name, a line, a cause). Prints the real message otherwise.
#pragma once

#include "core/error.h"

#include <QtTest/QtTest>

#include <string>

#define RLRF_VERIFY_THROWS_WITH(expr, part)                                                        \
    do {                                                                                           \
        try {                                                                                      \
            (void)(expr);                                                                          \
            QFAIL(qPrintable(QStringLiteral("expected rlrf::Error containing: ") + QString::fromStdString(std::string(part)))); \
        } catch (const rlrf::Error &rlrfError_) {                                                  \
            QVERIFY2(std::string(rlrfError_.what()).find(part) != std::string::npos,               \
                     qPrintable(QStringLiteral("message: ") + QString::fromUtf8(rlrfError_.what()) \
                                + QStringLiteral("\nexpected part: ") + QString::fromStdString(std::string(part)))); \
        }                                                                                          \
    } while (0)
