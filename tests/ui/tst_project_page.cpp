// SPDX-License-Identifier: GPL-3.0-or-later
// The Project area's dialogs and the lazy prompt list, offscreen on real files:
// New Project checks and describes a model folder (stories260K converted from the
// shared reference data) and refuses a folder without a model or a file that
// exists; Import Prompts lists a file's fields, guesses the mapping and previews
// the rows exactly as written here (read on the backend thread), and names the
// line of a broken file; the prompt list fetches pages of 200 as it is scrolled;
// the first start of the application happens once.
#include "ui/ui_test_helpers.h"

#include "common/stories_fixture.h"
#include "common/store_fixture.h"

#include "app_settings.h"
#include "models/prompt_table_model.h"
#include "views/import_prompts_dialog.h"
#include "views/new_project_dialog.h"
#include "views/project_page.h"

#include "core/logging.h"
#include "store/database.h"
#include "store/prompt_repository.h"
#include "store/transaction.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace rlrf;

class TestProjectPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("RLRF Workbench Tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_project_page"));
        QSettings().clear();
        log::init();
        log::setConsoleLevel(spdlog::level::warn);
        QVERIFY(m_dir.isValid());
    }

    void newProjectDescribesAndChecksTheModel()
    {
        const QString model = QString::fromStdString(test::convertStories260K(m_dir.filePath(QStringLiteral("stories260K"))));
        ui::NewProjectDialog dialog;
        dialog.pathEdit()->setText(m_dir.filePath(QStringLiteral("new.rlrf")));
        dialog.rubricEdit()->setText(test::rubricPath(QStringLiteral("default.json")));
        dialog.modelEdit()->setText(m_dir.path()); // a folder, but not a model
        QVERIFY(dialog.modelInfo()->toPlainText().contains(QStringLiteral("Not a usable model folder")));
        QVERIFY(!dialog.problem().isEmpty());
        dialog.modelEdit()->setText(model);
        const QString info = dialog.modelInfo()->toPlainText();
        QVERIFY2(info.contains(QStringLiteral("LlamaForCausalLM")), qPrintable(info));
        QVERIFY2(info.contains(QStringLiteral("260032")), qPrintable(info)); // stories260K's parameter count
        QVERIFY2(dialog.problem().isEmpty(), qPrintable(dialog.problem()));
        const auto request = dialog.request();
        QCOMPARE(request.task, std::string("arith"));
        QCOMPARE(QString::fromStdString(request.modelDir), model);
        dialog.pathEdit()->setText(test::rubricPath(QStringLiteral("default.json"))); // exists already
        QVERIFY(dialog.problem().contains(QStringLiteral("exists already")));
    }

    void importPreviewsWithTheMapping()
    {
        ui::JobController jobs;
        const QString file = m_dir.filePath(QStringLiteral("questions.jsonl"));
        writeFile(file, "{\"id\": 1, \"question\": \"Ann has 3 pens and buys 4 more. How many pens does Ann have?\", \"answer\": 7}\n"
                        "{\"id\": 2, \"question\": \"Tom has 9 cars and gives away 2. How many cars are left?\", \"answer\": \"7\"}\n"
                        "\n"
                        "{\"id\": 3, \"question\": \"A box holds 6 eggs. How many eggs are in 5 boxes?\", \"answer\": 30}\n");
        ui::ImportPromptsDialog dialog(&jobs);
        QSignalSpy ready(&dialog, &ui::ImportPromptsDialog::previewReady);
        dialog.setInput(file);
        QCOMPARE(ui::ImportPromptsDialog::fieldsOf(file, tasks::ImportFormat::Jsonl),
                 (QStringList{QStringLiteral("answer"), QStringLiteral("id"), QStringLiteral("question")}));
        QCOMPARE(dialog.promptFieldBox()->currentText(), QStringLiteral("question"));
        QCOMPARE(dialog.answerFieldBox()->currentText(), QStringLiteral("answer"));
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 20000);
        QCOMPARE(ready.last().at(0).toLongLong(), 3);
        auto *preview = dialog.preview();
        QCOMPARE(preview->rowCount(), 3);
        QCOMPARE(preview->item(2, 0)->text(), QStringLiteral("4")); // line 4: the blank line counts
        QCOMPARE(preview->item(1, 1)->text(), QStringLiteral("Tom has 9 cars and gives away 2. How many cars are left?"));
        QCOMPARE(preview->item(2, 2)->text(), QStringLiteral("30"));
        const auto request = dialog.request();
        QCOMPARE(request.mapping.promptField, std::string("question"));

        const QString csv = m_dir.filePath(QStringLiteral("prompts.csv"));
        writeFile(csv, "instruction,reference\n\"Add 2 and 5.\",7\n\"Double 8.\",16\n");
        dialog.setInput(csv);
        QCOMPARE(dialog.formatBox()->currentText(), QStringLiteral("csv"));
        QCOMPARE(dialog.promptFieldBox()->currentText(), QStringLiteral("instruction"));
        QCOMPARE(dialog.answerFieldBox()->currentText(), QStringLiteral("reference"));
        QTRY_VERIFY_WITH_TIMEOUT(ready.size() >= 2 && dialog.preview()->rowCount() == 2, 20000);
        QCOMPARE(dialog.preview()->item(1, 1)->text(), QStringLiteral("Double 8."));

        const QString broken = m_dir.filePath(QStringLiteral("broken.jsonl"));
        writeFile(broken, "{\"question\": \"fine\"}\n{\"question\": 12}\n");
        const int before = static_cast<int>(ready.size());
        dialog.setInput(broken);
        QTRY_VERIFY_WITH_TIMEOUT(ready.size() > before, 20000);
        QCOMPARE(ready.last().at(0).toLongLong(), 0);
        QVERIFY2(dialog.statusLabel()->text().contains(QStringLiteral("broken.jsonl:2")),
                 qPrintable(dialog.statusLabel()->text()));
    }

    void promptListFetchesPagesAsItScrolls()
    {
        const QString path = m_dir.filePath(QStringLiteral("many.rlrf"));
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/arith-demo", {}, 0});
            store::PromptRepository prompts(project.db());
            store::Transaction tx(project.db());
            const auto set = prompts.createSet({0, "many", "jsonl", "many.jsonl", {}});
            for (int i = 1; i <= 450; ++i)
                prompts.insert({0, set, "Prompt " + std::to_string(i), {}, store::Split::Train, "many.jsonl", i, "{}"});
            tx.commit();
        }
        store::Database db(path.toStdString(), store::OpenMode::OpenExisting);
        ui::PromptTableModel model;
        model.setDatabase(&db);
        QCOMPARE(model.totalCount(), qint64(450));
        QCOMPARE(model.rowCount(), 200);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 400);
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 450);
        QVERIFY(!model.canFetchMore({}));
        for (int row = 0; row < 450; ++row) // every prompt once, in id order
            QCOMPARE(model.summary(row).text, "Prompt " + std::to_string(row + 1));
        // Ordered mode without a loader computes the order in place, then pages by id.
        model.setSortKey("id", true);
        QCOMPARE(model.summary(0).text, std::string("Prompt 450"));
        store::PromptFilter filter;
        filter.state = store::PromptState::New;
        model.setFilter(filter);
        QVERIFY(!model.isLoading());
        QCOMPARE(model.totalCount(), qint64(450));
        QCOMPARE(model.rowCount(), 200);
        model.fetchMore({});
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 450);
        QCOMPARE(model.summary(449).text, std::string("Prompt 1"));
    }

    void projectPageShowsTheOpenProject()
    {
        const QString path = m_dir.filePath(QStringLiteral("small.rlrf"));
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/arith-demo", {}, 0});
            test::buildSmallProject(project);
        }
        ui::JobController jobs;
        ui::ProjectSession session(&jobs);
        ui::ProjectPage page;
        page.setSession(&session);
        QVERIFY(test::openAndWait(session, path));
        const QString status = page.statusView()->toPlainText();
        QVERIFY2(status.contains(QStringLiteral("prompts:")) && status.contains(QStringLiteral("2 (train 1")),
                 qPrintable(status));
        QVERIFY(status.contains(QStringLiteral("Not a usable model folder"))); // models/arith-demo is not here
    }

    void firstStartHappensOnce()
    {
        QVERIFY(ui::AppSettings::takeFirstStart());
        QVERIFY(!ui::AppSettings::takeFirstStart());
    }

private:
    static void writeFile(const QString &path, const char *text)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestProjectPage)
#include "tst_project_page.moc"
