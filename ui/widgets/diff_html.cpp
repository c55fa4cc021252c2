// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/diff_html.h"

#include "string_convert.h"

namespace rlrf::ui {

QString diffHtml(const std::vector<feedback::DiffRun> &runs, DiffSide side)
{
    const auto hidden = side == DiffSide::Before ? feedback::DiffKind::Inserted : feedback::DiffKind::Removed;
    QString html = QStringLiteral("<pre style=\"white-space: pre-wrap; font-family: monospace;\">");
    for (const auto &run : runs) {
        if (run.kind == hidden)
            continue;
        const QString text = toQString(run.text).toHtmlEscaped();
        if (run.kind == feedback::DiffKind::Removed)
            html += QStringLiteral("<span class=\"removed\" style=\"background-color:#f8c4c0; color:#8a1c12; "
                                   "text-decoration: line-through;\">")
                + text + QStringLiteral("</span>");
        else if (run.kind == feedback::DiffKind::Inserted)
            html += QStringLiteral("<span class=\"inserted\" style=\"background-color:#b9e8bd; color:#145a1c;\">") + text
                + QStringLiteral("</span>");
        else
            html += text;
    }
    return html + QStringLiteral("</pre>");
}

} // namespace rlrf::ui
