// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/teaching_render.h"

#include "string_convert.h"

#include "teaching/walkthrough.h"

#include <QCoreApplication>

namespace rlrf::ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TeachingPage", text);
}

QString escaped(const std::string &text)
{
    return toQString(text).toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString answerBlock(const teaching::JudgedAnswer &answer, int index, bool withRatings)
{
    QString html = QStringLiteral("<h3>%1 %2%3</h3><p style='background:#f4f4f4'>%4</p>")
                       .arg(tr("Answer"))
                       .arg(index + 1)
                       .arg(answer.refinement ? tr(" (refinement)") : QString())
                       .arg(answer.text.empty() ? tr("<i>(empty)</i>") : escaped(answer.text));
    if (withRatings && answer.critique) {
        html += QStringLiteral("<p><b>%1 %2</b></p><table cellpadding='3'>")
                    .arg(tr("Overall score"))
                    .arg(answer.critique->overall, 0, 'f', 2);
        for (const auto &aspect : answer.critique->aspects)
            html += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td>%3</td></tr>")
                        .arg(escaped(aspect.aspect))
                        .arg(aspect.rating == 0 ? QStringLiteral("n/a") : QString::number(aspect.rating))
                        .arg(escaped(aspect.rationale));
        html += QStringLiteral("</table>");
    }
    return html;
}

QString heading(int step, const QString &title, const QString &explanation)
{
    return QStringLiteral("<h2>%1 %2 / 5 — %3</h2><p><i>%4</i></p>")
        .arg(tr("Step"))
        .arg(step)
        .arg(title, explanation);
}

} // namespace

QString renderTeachingStage(const teaching::Walkthrough &walk)
{
    using teaching::Stage;
    const auto &answers = walk.answers();
    QString html;
    switch (walk.stage()) {
    case Stage::Start:
        return QStringLiteral("<h2>%1</h2><p>%2</p><p>%3</p>")
            .arg(tr("The prompt"), escaped(walk.prompt()),
                 tr("Press Next: the policy will answer it several times."));
    case Stage::Sampled:
        html = heading(1, tr("Sample"), tr("The policy writes several answers to the same prompt."));
        for (std::size_t i = 0; i < answers.size(); ++i)
            html += answerBlock(answers[i], static_cast<int>(i), false);
        return html;
    case Stage::Critiqued:
        html = heading(2, tr("Critique"), tr("The judge rates every answer on each aspect of the rubric (1–3) "
                                             "and explains why."));
        for (std::size_t i = 0; i < answers.size(); ++i)
            html += answerBlock(answers[i], static_cast<int>(i), true);
        return html;
    case Stage::Refined:
        html = heading(3, tr("Refine"), tr("The weakest answer is rewritten with the judge's feedback in the prompt, "
                                           "and the rewrite is judged too."));
        html += QStringLiteral("<p><b>%1</b><br>%2</p>")
                    .arg(tr("Feedback shown to the policy:"),
                         walk.refinementFeedback().empty() ? tr("(every aspect was rated 3)")
                                                           : escaped(walk.refinementFeedback()));
        html += answerBlock(answers.back(), static_cast<int>(answers.size()) - 1, true);
        return html;
    case Stage::Paired: {
        const auto &chosen = answers[*walk.chosen()];
        const auto &rejected = answers[*walk.rejected()];
        html = heading(4, tr("Pair"), tr("The best-rated answer becomes 'chosen', the worst 'rejected'."));
        html += QStringLiteral("<p><b>%1</b> %2 (%3 %4)</p><p>%5</p>")
                    .arg(tr("Chosen:"), tr("answer"))
                    .arg(*walk.chosen() + 1)
                    .arg(tr("overall"))
                    .arg(chosen.critique->overall, 0, 'f', 2)
                    .arg(escaped(chosen.text));
        html += QStringLiteral("<p><b>%1</b> %2 (%3 %4)</p><p>%5</p>")
                    .arg(tr("Rejected:"), tr("answer"))
                    .arg(*walk.rejected() + 1)
                    .arg(tr("overall"))
                    .arg(rejected.critique->overall, 0, 'f', 2)
                    .arg(escaped(rejected.text));
        return html;
    }
    case Stage::Trained: {
        const auto &lp = *walk.logProbs();
        html = heading(5, tr("One DPO step"), tr("The policy takes one gradient step to make the chosen answer more "
                                                 "likely than the rejected one, relative to where it started."));
        html += QStringLiteral("<p>%1 <b>%2</b> (ln 2 = 0.693 %3)</p>")
                    .arg(tr("DPO loss of the step:"))
                    .arg(lp.loss, 0, 'f', 4)
                    .arg(tr("at the start"));
        html += QStringLiteral("<table cellpadding='4'><tr><th></th><th>%1</th><th>%2</th><th>%3</th></tr>")
                    .arg(tr("before"), tr("after"), tr("change"));
        auto row = [&](const QString &name, double before, double after) {
            html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td><td>%4%5</td></tr>")
                        .arg(name)
                        .arg(before, 0, 'f', 3)
                        .arg(after, 0, 'f', 3)
                        .arg(after >= before ? QStringLiteral("+") : QString())
                        .arg(after - before, 0, 'f', 3);
        };
        row(tr("log p(chosen)"), lp.chosenBefore, lp.chosenAfter);
        row(tr("log p(rejected)"), lp.rejectedBefore, lp.rejectedAfter);
        html += QStringLiteral("</table>");
        return html;
    }
    }
    return html;
}

} // namespace rlrf::ui
