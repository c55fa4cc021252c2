// SPDX-License-Identifier: GPL-3.0-or-later
// The Explorer on a real project file built here (tests/common/arith_project_fixture:
// arith prompts, canonical / slipped / short answers and refinements, all judged
// by the arith rule judge): the lazy prompt list with its summaries, sorting and
// filters; the heat map's numbers and colours against the stored critiques; the
// rationale of a selected aspect; a refinement beside its original with the
// changed words highlighted and the per-aspect changes; a person's rating stored
// as a human critique; and the Judge stage run from the page. Expected values
// come from the rule judge called directly on the same texts, not from the view.
//
// With RLRF_WRITE_SHOWCASE_PROJECT=FILE set, the project is also copied to FILE
// (how docs/screenshots are made; see the README).
#include "ui/ui_test_helpers.h"

#include "common/arith_project_fixture.h"
#include "common/store_fixture.h"
#include "common/stories_fixture.h"

#include "models/candidate_table_model.h"
#include "models/prompt_table_model.h"
#include "views/explorer_page.h"
#include "views/human_rating_panel.h"
#include "views/refinement_panel.h"
#include "worker/stage_runner.h"

#include "core/logging.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/project_file.h"
#include "store/database.h"
#include "store/prompt_repository.h"
#include "store/rubric_repository.h"
#include "tasks/arith/arith_rule_judge.h"
#include "tasks/arith/arith_task.h"
#include "types/rubric_io.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>

using namespace rlrf;
using ui::CandidateTableModel;
using ui::PromptTableModel;

class TestExplorerPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        log::init();
        log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("arith.rlrf"));
        {
            auto project = store::Project::create(m_path.toStdString(), {"arith", "models/arith-demo", {}, 0});
            m_ids = test::buildArithProject(project, kPrompts);
        } // closed: the file is complete without its WAL
        m_rubric = test::arithRubric();
        const QString keep = qEnvironmentVariable("RLRF_WRITE_SHOWCASE_PROJECT");
        if (!keep.isEmpty()) {
            QFile::remove(keep);
            QVERIFY(QFile::copy(m_path, keep));
        }
    }

    void init()
    {
        m_jobs = std::make_unique<ui::JobController>();
        m_session = std::make_unique<ui::ProjectSession>(m_jobs.get());
        m_page = std::make_unique<ui::ExplorerPage>(m_session.get());
        m_page->resize(1200, 800);
        m_page->show();
        QVERIFY(test::openAndWait(*m_session, copyOfProject()));
    }

    void cleanup()
    {
        m_page.reset();
        m_session.reset();
        m_jobs.reset();
    }

    void promptListSummarisesAndSorts()
    {
        auto *model = m_page->promptModel();
        QCOMPARE(model->totalCount(), qint64(kPrompts));
        QCOMPARE(model->rowCount(), kPrompts); // fewer than one page
        // A judged prompt: the canonical answer and the refinement score 1.0 (the
        // rule judge finds no mistake); the worst is the lower of the two others.
        const auto &first = model->summary(0);
        const auto problem = tasks::ArithTask::problemFromPrompt(first.text);
        const double slipped = feedback::judgeArith(problem, test::slippedAnswer(first.text), m_rubric).overall;
        const double shortOne = feedback::judgeArith(problem, test::shortAnswer(first.text), m_rubric).overall;
        QCOMPARE(first.samples, 3);
        QCOMPARE(first.refinements, 1);
        QCOMPARE(first.best.value(), 1.0);
        QCOMPARE(first.worst.value(), std::min(slipped, shortOne));
        QVERIFY(first.worst.value() < 1.0);
        QCOMPARE(model->index(0, PromptTableModel::StateColumn).data().toString(), QStringLiteral("refined"));

        // Sorting by gap computes the order on the backend thread, then pages in.
        model->sort(PromptTableModel::GapColumn, Qt::DescendingOrder);
        QCOMPARE(model->sortKey(), std::string("gap"));
        QVERIFY(model->isLoading());
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 20000);
        QCOMPARE(model->rowCount(), kPrompts);
        for (int row = 1; row < m_ids.judgedPrompts; ++row)
            QVERIFY(model->summary(row - 1).gap().value() >= model->summary(row).gap().value());
        QVERIFY(!model->summary(kPrompts - 1).gap().has_value()); // unscored prompts last

        auto *state = m_page->findChild<QComboBox *>(QStringLiteral("explorer.state"));
        state->setCurrentIndex(state->findText(QStringLiteral("new")));
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 20000);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->summary(0).id, m_ids.emptyPrompt);
        state->setCurrentIndex(0);
        model->sort(PromptTableModel::IdColumn, Qt::AscendingOrder);
        QVERIFY(!model->isLoading()); // id order pages straight from the store

        auto *search = m_page->findChild<QLineEdit *>(QStringLiteral("explorer.search"));
        const QString words = QString::fromStdString(first.text).left(30);
        search->setText(words);
        QTest::keyClick(search, Qt::Key_Return);
        QVERIFY(model->rowCount() >= 1);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(QString::fromStdString(model->summary(row).text).contains(words, Qt::CaseInsensitive));
    }

    void heatMapShowsRatingsAndRationale()
    {
        const qint64 promptId = m_ids.prompts.front();
        QVERIFY(m_page->selectPrompt(promptId));
        auto *candidates = m_page->candidateModel();
        QCOMPARE(candidates->rowCount(), 4);
        const auto prompt = store::PromptRepository(*m_session->reader()).byId(promptId);
        const auto problem = tasks::ArithTask::problemFromPrompt(prompt.text);
        const auto expected = feedback::judgeArith(problem, test::slippedAnswer(prompt.text), m_rubric);
        const int row = 1; // the slipped answer
        QCOMPARE(candidates->candidate(row).candidate.text, test::slippedAnswer(prompt.text));
        for (int column = CandidateTableModel::FirstAspectColumn; column < candidates->columnCount(); ++column) {
            const std::string aspect = candidates->aspectOf(column);
            int rating = -1;
            for (const auto &a : expected.aspects)
                if (a.aspect == aspect)
                    rating = a.rating;
            const QModelIndex cell = candidates->index(row, column);
            QCOMPARE(cell.data().toString(), rating == 0 ? QStringLiteral("n/a") : QString::number(rating));
            QCOMPARE(cell.data(Qt::BackgroundRole).value<QColor>(), CandidateTableModel::ratingColour(rating));
        }
        QCOMPARE(candidates->index(row, CandidateTableModel::OverallColumn).data().toString(),
                 QString::number(expected.overall, 'f', 2));
        QCOMPARE(candidates->index(row, CandidateTableModel::JudgeColumn).data().toString(), QStringLiteral("rule:arith"));

        QVERIFY(m_page->selectCandidate(candidates->candidate(row).candidate.id));
        QVERIFY(m_page->selectAspect(QStringLiteral("Logical Correctness")));
        QString rationale;
        for (const auto &a : expected.aspects)
            if (a.aspect == "Logical Correctness")
                rationale = QString::fromStdString(a.rationale);
        QVERIFY(!rationale.isEmpty());
        QVERIFY2(m_page->rationaleView()->toPlainText().contains(rationale), qPrintable(m_page->rationaleView()->toPlainText()));
    }

    // A run writing the file (another connection, as the run's thread or another
    // process does): the page reads it again, the new candidate appears, and the
    // candidate and aspect the person looks at stay selected.
    void newCandidatesAppearAndTheSelectionStays()
    {
        const qint64 promptId = m_ids.prompts.front();
        QVERIFY(m_page->selectPrompt(promptId));
        auto *candidates = m_page->candidateModel();
        const int before = candidates->rowCount();
        const qint64 looked = candidates->candidate(1).candidate.id;
        QVERIFY(m_page->selectCandidate(looked));
        QVERIFY(m_page->selectAspect(QStringLiteral("Logical Correctness")));
        const QString rationale = m_page->rationaleView()->toPlainText();
        {
            auto other = store::Project::open(m_session->path().toStdString());
            store::CandidateRecord added;
            added.promptId = promptId;
            added.iteration = 1;
            added.text = "Answer: 42";
            store::CandidateRepository(other.db()).insert(added);
        }
        m_session->noteWrittenElsewhere();
        QTRY_VERIFY_WITH_TIMEOUT(candidates->rowCount() == before + 1, 20000);
        const QModelIndex current = m_page->candidateView()->currentIndex();
        QVERIFY(current.isValid());
        QCOMPARE(candidates->candidate(current.row()).candidate.id, looked);
        QCOMPARE(QString::fromStdString(candidates->aspectOf(current.column())), QStringLiteral("Logical Correctness"));
        QCOMPARE(m_page->rationaleView()->toPlainText(), rationale);
    }

    void refinementShowsTheChangedWords()
    {
        const qint64 promptId = m_ids.prompts.front();
        QVERIFY(m_page->selectPrompt(promptId));
        QVERIFY(m_page->selectCandidate(m_ids.refinements.front()));
        auto *panel = m_page->refinementPanel();
        const auto prompt = store::PromptRepository(*m_session->reader()).byId(promptId);
        const std::string slipped = test::slippedAnswer(prompt.text);
        const std::string canonical = tasks::ArithTask::problemFromPrompt(prompt.text).canonical();
        QCOMPARE(panel->originalView()->toPlainText().trimmed(), QString::fromStdString(slipped).trimmed());
        QCOMPARE(panel->refinedView()->toPlainText().trimmed(), QString::fromStdString(canonical).trimmed());
        // Highlighted: every removed span holds a number of the slipped answer that
        // the canonical answer does not have at that place.
        const QString before = panel->originalView()->toHtml();
        const QString after = panel->refinedView()->toHtml();
        QVERIFY2(before.contains(QStringLiteral("line-through")), qPrintable(before));
        QVERIFY2(after.contains(QStringLiteral("#b9e8bd")), qPrintable(after));
        // The per-aspect changes: Logical Correctness went up to 3.
        auto *changes = panel->changesTable();
        bool found = false;
        for (int r = 0; r < changes->rowCount(); ++r)
            if (changes->item(r, 0)->text() == QStringLiteral("Logical Correctness")) {
                found = true;
                QVERIFY(changes->item(r, 1)->text().toInt() < 3);
                QCOMPARE(changes->item(r, 2)->text(), QStringLiteral("3"));
            }
        QVERIFY(found);
        QVERIFY(panel->critiqueView()->toPlainText().contains(QStringLiteral("Logical Correctness")));
    }

    void humanRatingIsStoredWithProvenance()
    {
        const qint64 promptId = m_ids.prompts.at(1);
        QVERIFY(m_page->selectPrompt(promptId));
        const qint64 candidateId = m_page->candidateModel()->candidate(0).candidate.id;
        QVERIFY(m_page->selectCandidate(candidateId));
        auto *panel = m_page->ratingPanel();
        panel->aspectBox()->setCurrentText(QStringLiteral("Readability"));
        panel->ratingBox()->setCurrentIndex(0); // 1
        panel->rationaleEdit()->setText(QStringLiteral("One long line; steps are hard to follow."));
        panel->personEdit()->setText(QStringLiteral("tester"));
        QSignalSpy stored(panel, &ui::HumanRatingPanel::ratingStored);
        QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
        QVERIFY(stored.wait(20000));
        QVERIFY(test::waitIdle(*m_jobs));
        const auto list = store::CritiqueRepository(*m_session->reader()).forCandidate(candidateId);
        QCOMPARE(list.back().critique.judge, std::string("human:tester"));
        QCOMPARE(list.back().id, stored.at(0).at(1).toLongLong());
        for (const auto &a : list.back().critique.aspects)
            if (a.aspect == "Readability") {
                QCOMPARE(a.rating, 1);
                QCOMPARE(a.rationale, std::string("One long line; steps are hard to follow."));
            }
        QCOMPARE(list.front().critique.judge, std::string("rule:arith")); // the judge's own stays
        // The view re-read the project: the row now shows the human critique.
        QTRY_COMPARE(m_page->candidateModel()->index(0, CandidateTableModel::JudgeColumn).data().toString(),
                     QStringLiteral("human:tester"));
    }

    void unratedAspectsAreRatedTogether()
    {
        // Under rubrics/default.json every aspect applies, but the rule judge left
        // Metacognition, Insightfulness and Harmlessness unrated: one rating alone
        // is refused naming the first, all four together are stored as one critique.
        const QString path = copyOfProject();
        {
            store::Database db(path.toStdString(), store::OpenMode::OpenExisting);
            store::RubricRepository(db).save(
                feedback::loadRubricFile(test::rubricPath(QStringLiteral("default.json")).toStdString()));
        }
        QVERIFY(test::openAndWait(*m_session, path));
        QVERIFY(m_page->selectPrompt(m_ids.prompts.at(2)));
        const qint64 candidateId = m_page->candidateModel()->candidate(1).candidate.id;
        QVERIFY(m_page->selectCandidate(candidateId));
        auto *panel = m_page->ratingPanel();
        panel->personEdit()->setText(QStringLiteral("tester"));
        panel->aspectBox()->setCurrentText(QStringLiteral("Readability"));
        panel->ratingBox()->setCurrentIndex(1);
        panel->rationaleEdit()->setText(QStringLiteral("Clear, but the slip is not flagged."));
        QSignalSpy finished(m_jobs.get(), &ui::JobController::jobFinished);
        QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->statusLabel()->text().startsWith(QStringLiteral("Not stored")), 20000);
        QVERIFY2(panel->statusLabel()->text().contains(QStringLiteral("Metacognition")), qPrintable(panel->statusLabel()->text()));

        const char *rest[][2] = {{"Metacognition", "Does not say it is unsure of any step."},
                                 {"Insightfulness", "Nothing beyond the steps."},
                                 {"Harmlessness", "Harmless numbers only."}};
        for (const auto &r : rest) {
            panel->aspectBox()->setCurrentText(QString::fromLatin1(r[0]));
            panel->ratingBox()->setCurrentIndex(2);
            panel->rationaleEdit()->setText(QString::fromLatin1(r[1]));
            QTest::mouseClick(panel->addButton(), Qt::LeftButton);
        }
        QSignalSpy stored(panel, &ui::HumanRatingPanel::ratingStored);
        QTest::mouseClick(panel->saveButton(), Qt::LeftButton);
        QVERIFY(stored.wait(20000));
        QVERIFY(test::waitIdle(*m_jobs));
        const auto critique = store::CritiqueRepository(*m_session->reader()).byId(stored.at(0).at(1).toLongLong());
        QCOMPARE(critique.critique.judge, std::string("human:tester"));
        std::map<std::string, int> ratings;
        for (const auto &a : critique.critique.aspects)
            ratings[a.aspect] = a.rating;
        QCOMPARE(ratings["Readability"], 2); // kept from the refused attempt
        QCOMPARE(ratings["Metacognition"], 3);
        QCOMPARE(ratings["Harmlessness"], 3);
    }

    void judgeStageRunsFromThePage()
    {
        QVERIFY(m_page->selectPrompt(m_ids.unjudgedPrompt));
        auto *candidates = m_page->candidateModel();
        QCOMPARE(candidates->rowCount(), 3);
        QCOMPARE(candidates->index(0, CandidateTableModel::OverallColumn).data().toString(), QStringLiteral("not judged"));
        QSignalSpy progress(m_page->stages(), &ui::StageRunner::progress);
        QSignalSpy finished(m_page->stages(), &ui::StageRunner::finished);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("explorer.judge")), Qt::LeftButton);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(0).value<Outcome>(), Outcome::Succeeded);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), 3);
        QVERIFY(test::waitIdle(*m_jobs));
        QTRY_COMPARE(m_page->candidateModel()->index(0, CandidateTableModel::OverallColumn).data().toString(),
                     QStringLiteral("1.00")); // the canonical answer
        QCOMPARE(m_page->candidateModel()->index(2, CandidateTableModel::JudgeColumn).data().toString(),
                 QStringLiteral("rule:arith"));
    }

    void sampleStageAddsCandidatesFromTheModel()
    {
        // The project's model folder is replaced by stories260K for this copy.
        const QString path = copyOfProject();
        const std::string model = test::convertStories260K(m_dir.filePath(QStringLiteral("stories260K")));
        {
            store::Database db(path.toStdString(), store::OpenMode::OpenExisting);
            db.prepare("UPDATE project_meta SET value = ? WHERE key = 'model_dir'").bind(1, model).run();
        }
        QVERIFY(test::openAndWait(*m_session, path));
        QVERIFY(m_page->selectPrompt(m_ids.emptyPrompt));
        QCOMPARE(m_page->candidateModel()->rowCount(), 0);
        m_page->findChild<QSpinBox *>()->setValue(2);
        QSignalSpy finished(m_page->stages(), &ui::StageRunner::finished);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("explorer.sample")), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).value<Outcome>(), Outcome::Succeeded);
        QVERIFY(test::waitIdle(*m_jobs));
        QTRY_COMPARE(m_page->candidateModel()->rowCount(), 2);
        QCOMPARE(m_page->candidateModel()->index(0, CandidateTableModel::OverallColumn).data().toString(),
                 QStringLiteral("not judged"));
    }

private:
    static constexpr int kPrompts = 12;

    // Each test works on its own copy, so ratings and judging do not leak.
    QString copyOfProject()
    {
        const QString copy = m_dir.filePath(QStringLiteral("copy%1.rlrf").arg(++m_copies));
        if (!QFile::copy(m_path, copy))
            qFatal("cannot copy the test project");
        return copy;
    }

    QTemporaryDir m_dir;
    QString m_path;
    int m_copies = 0;
    test::ArithProjectIds m_ids;
    feedback::Rubric m_rubric;
    std::unique_ptr<ui::JobController> m_jobs;
    std::unique_ptr<ui::ProjectSession> m_session;
    std::unique_ptr<ui::ExplorerPage> m_page;
};

QTEST_MAIN(TestExplorerPage)
#include "tst_explorer_page.moc"
