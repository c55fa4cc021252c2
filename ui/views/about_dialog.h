#pragma once

#include "core/runtime_info.h"

#include <QDialog>

#include <optional>

namespace rlrf::ui {

// Versions of everything the workbench is built on.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    AboutDialog(const std::optional<RuntimeInfo> &info, QWidget *parent = nullptr);

    // The text shown, as plain text (tests, copy to clipboard).
    static QString versionsText(const std::optional<RuntimeInfo> &info);
};

} // namespace rlrf::ui
