// SPDX-License-Identifier: GPL-3.0-or-later
// The rubric editor on a real project file: it shows rubrics/default.json as
// stored (checked against the file read here with nlohmann-json, not through the
// code under test), edits are validated inline (negative weight, empty or
// duplicate name), saving makes a new version in the store with exactly the
// edits, the version comparison lists them, and export/import round-trips a
// rubric file; a broken file is refused with the field named.
#include "ui/ui_test_helpers.h"

#include "common/store_fixture.h"

#include "models/rubric_table_model.h"
#include "views/rubric_page.h"

#include "core/logging.h"
#include "store/rubric_repository.h"
#include "types/rubric_io.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>

#include <fstream>

using namespace rlrf;
using ui::RubricTableModel;

class TestRubricPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        log::init();
        log::setConsoleLevel(spdlog::level::warn);
        std::ifstream in(test::rubricPath(QStringLiteral("default.json")).toStdString());
        m_file = nlohmann::json::parse(in);
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(QStringLiteral("r%1.rlrf").arg(++m_counter));
        {
            auto project = store::Project::create(path.toStdString(), {"arith", "models/arith-demo", {}, 0});
            test::buildSmallProject(project); // stores default.json as version 1
        }
        m_jobs = std::make_unique<ui::JobController>();
        m_session = std::make_unique<ui::ProjectSession>(m_jobs.get());
        m_page = std::make_unique<ui::RubricPage>(m_session.get());
        m_page->show();
        QVERIFY(test::openAndWait(*m_session, path));
    }

    void cleanup()
    {
        m_page.reset();
        m_session.reset();
        m_jobs.reset();
    }

    void showsTheStoredRubric()
    {
        auto *model = m_page->model();
        QCOMPARE(model->rowCount(), int(m_file["aspects"].size()));
        for (int row = 0; row < model->rowCount(); ++row) {
            const auto &aspect = m_file["aspects"][static_cast<size_t>(row)];
            QCOMPARE(model->index(row, RubricTableModel::NameColumn).data().toString(),
                     QString::fromStdString(aspect["name"].get<std::string>()));
            QCOMPARE(model->index(row, RubricTableModel::WeightColumn).data().toDouble(), aspect["weight"].get<double>());
        }
        m_page->aspectView()->selectRow(2);
        QCOMPARE(m_page->levelEdit(3)->toPlainText(),
                 QString::fromStdString(m_file["aspects"][2]["levels"]["3"].get<std::string>()));
        QCOMPARE(m_page->versions().size(), size_t(1));
        QVERIFY(m_page->problemLabel()->text().isEmpty());
        QVERIFY(m_page->saveButton()->isEnabled());
    }

    void badEditsAreFlaggedInline()
    {
        auto *model = m_page->model();
        QVERIFY(model->setData(model->index(1, RubricTableModel::WeightColumn), QStringLiteral("-2")));
        QVERIFY2(m_page->problemLabel()->text().contains(QStringLiteral("weight")), qPrintable(m_page->problemLabel()->text()));
        QVERIFY(!m_page->saveButton()->isEnabled());
        QVERIFY(model->index(1, RubricTableModel::WeightColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY(!model->setData(model->index(1, RubricTableModel::WeightColumn), QStringLiteral("heavy")));
        QVERIFY(model->setData(model->index(1, RubricTableModel::WeightColumn), QStringLiteral("1")));
        QVERIFY(m_page->saveButton()->isEnabled());

        QVERIFY(model->setData(model->index(0, RubricTableModel::NameColumn), QStringLiteral("Readability")));
        QVERIFY(!m_page->problemLabel()->text().isEmpty()); // duplicate of row 6
        QVERIFY(model->index(6, RubricTableModel::NameColumn).data(Qt::BackgroundRole).isValid());
        QVERIFY(model->setData(model->index(0, RubricTableModel::NameColumn), QString()));
        QVERIFY(!m_page->problemLabel()->text().isEmpty());
        QVERIFY(!m_page->saveButton()->isEnabled());
    }

    void saveMakesANewVersionWithTheEdits()
    {
        auto *model = m_page->model();
        QVERIFY(model->setData(model->index(1, RubricTableModel::WeightColumn), QStringLiteral("2.5")));
        QVERIFY(model->setData(model->index(7, RubricTableModel::AppliesColumn), Qt::Unchecked, Qt::CheckStateRole));
        m_page->aspectView()->selectRow(4);
        m_page->levelEdit(1)->setPlainText(QStringLiteral("Steps are missing."));
        QSignalSpy saved(m_page.get(), &ui::RubricPage::versionSaved);
        QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
        QVERIFY(saved.wait(20000));
        QCOMPARE(saved.at(0).at(1).toInt(), 2);
        QVERIFY(test::waitIdle(*m_jobs));

        store::RubricRepository rubrics(*m_session->reader());
        const auto latest = rubrics.current();
        QCOMPARE(latest->version, 2);
        const auto stored = rubrics.load(*latest);
        QCOMPARE(stored.aspects[1].weight, 2.5);
        QVERIFY(!stored.aspects[7].applies);
        QCOMPARE(stored.aspects[4].levels[0], std::string("Steps are missing."));
        // Everything else as in the file.
        const auto original = feedback::parseRubric(m_file, "default.json");
        QCOMPARE(stored.aspects[0].levels, original.aspects[0].levels);
        QCOMPARE(stored.aspects[4].levels[2], original.aspects[4].levels[2]);

        QTRY_COMPARE(m_page->versions().size(), size_t(2));
        m_page->compareVersions(0, 1);
        const QString diff = m_page->diffView()->toPlainText();
        QCOMPARE(diff.split(QLatin1Char('\n')).size(), 3);
        QVERIFY2(diff.contains(QStringLiteral("Logical Correctness: weight \"1\" -> \"2.5\"")), qPrintable(diff));
        QVERIFY(diff.contains(QStringLiteral("Harmlessness: applies \"yes\" -> \"no\"")));
        QVERIFY(diff.contains(QStringLiteral("Completeness: level 1")));

        // Saving again without edits makes no version 3.
        QTest::mouseClick(m_page->saveButton(), Qt::LeftButton);
        QVERIFY(saved.wait(20000));
        QCOMPARE(saved.at(1).at(1).toInt(), 2);
    }

    void exportAndImportRoundTrip()
    {
        auto *model = m_page->model();
        QVERIFY(model->setData(model->index(3, RubricTableModel::WeightColumn), QStringLiteral("0.5")));
        const QString file = m_dir.filePath(QStringLiteral("exported.json"));
        QVERIFY(m_page->exportFile(file));
        const auto edited = model->rubric();
        QVERIFY(model->setData(model->index(3, RubricTableModel::WeightColumn), QStringLiteral("4")));
        QVERIFY(m_page->importFile(file));
        QCOMPARE(feedback::rubricToText(model->rubric()), feedback::rubricToText(edited));
        QCOMPARE(model->index(3, RubricTableModel::WeightColumn).data().toDouble(), 0.5);

        const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        nlohmann::json json = m_file;
        json["aspects"][5]["weight"] = "heavy";
        f.write(QByteArray::fromStdString(json.dump()));
        f.close();
        QVERIFY(!m_page->importFile(broken));
        QVERIFY2(m_page->problemLabel()->text().contains(QStringLiteral("aspects[5].weight")),
                 qPrintable(m_page->problemLabel()->text()));
        QCOMPARE(feedback::rubricToText(model->rubric()), feedback::rubricToText(edited)); // unchanged
    }

private:
    nlohmann::json m_file;
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<ui::JobController> m_jobs;
    std::unique_ptr<ui::ProjectSession> m_session;
    std::unique_ptr<ui::RubricPage> m_page;
};

QTEST_MAIN(TestRubricPage)
#include "tst_rubric_page.moc"
