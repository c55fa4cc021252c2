// SPDX-License-Identifier: GPL-3.0-or-later
// The GSM8K verifier on every row of shared/data/gsm8k (openai/grade-school-math,
// test.jsonl and train.jsonl): the reference solution's own text verifies against
// its "####" number, and fails against another number. Hand-written responses
// cover the documented rules (which number counts, commas, decimals, signs).
#include "tasks/gsm8k/gsm8k_verifier.h"

#include "common/test_paths.h"

#include "core/error.h"
#include "core/jsonl_reader.h"

#include <QtTest/QtTest>

using namespace rlrf::tasks;

class TestGsm8kVerifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void referenceSolutionsVerify_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rows");
        QTest::newRow("test") << "gsm8k/test.jsonl" << 1319;
        QTest::newRow("train") << "gsm8k/train.jsonl" << 7473;
    }

    void referenceSolutionsVerify()
    {
        QFETCH(QString, file);
        QFETCH(int, rows);
        const QString path = rlrf::test::sharedData(file);
        QVERIFY2(!path.isEmpty(), qPrintable(QStringLiteral("missing %1 under %2").arg(file, rlrf::test::sharedDataDir())));
        int count = 0;
        int withComma = 0;
        rlrf::jsonl::forEachLine(path.toStdString(), [&](const nlohmann::json &row, long line) {
            const std::string answer = row.at("answer").get<std::string>();
            const std::string reference = gsm8kReferenceAnswer(answer);
            const Verdict v = verifyGsm8k(reference, answer);
            if (!v.correct)
                QFAIL(qPrintable(QStringLiteral("line %1: %2").arg(line).arg(QString::fromStdString(v.reason))));
            // The "####" number is the one that counts, not the last in the text.
            if (verifyGsm8k(reference + "1", answer).correct)
                QFAIL(qPrintable(QStringLiteral("line %1 verifies against a wrong number").arg(line)));
            withComma += answer.substr(answer.rfind("####")).find(',') != std::string::npos;
            ++count;
        });
        QCOMPARE(count, rows);
        qInfo("%d rows, %d with thousands commas in the final answer", count, withComma);
    }

    void whichNumberCounts_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("response");
        QTest::addColumn<bool>("correct");
        QTest::newRow("last number") << "18" << "She makes 9 * 2 = 18 dollars." << true;
        QTest::newRow("last number wrong") << "18" << "18 eggs, so 9 * 2 = 20" << false;
        QTest::newRow("#### wins") << "18" << "#### 18\nThen 3 more is 21" << true;
        QTest::newRow("answer line wins over last") << "18" << "Answer: $18\nCheck: 9 + 9 = 18, 2 pens" << true;
        QTest::newRow("last answer line") << "18" << "Answer: 17\nAnswer: 18" << true;
        QTest::newRow("answer line case") << "18" << "ANSWER: 18 dollars, i.e. 3 bills" << true;
        QTest::newRow("#### over answer line") << "5" << "Answer: 18\n#### 5" << true;
        QTest::newRow("commas") << "1234" << "The total is 1,234." << true;
        QTest::newRow("commas in reference") << "1,234" << "#### 1234" << true;
        QTest::newRow("decimal zeros") << "18" << "#### 18.00" << true;
        QTest::newRow("decimal") << "2.5" << "Each gets 2.50 kg" << true;
        QTest::newRow("decimal differs") << "2.5" << "Each gets 2.05 kg" << false;
        QTest::newRow("negative") << "-3" << "The change is -3 degrees" << true;
        QTest::newRow("range is not negative") << "4" << "between 3-4" << true;
        QTest::newRow("percent") << "40" << "That is 40%." << true;
        QTest::newRow("no number") << "18" << "I do not know." << false;
        QTest::newRow("empty") << "18" << "" << false;
        QTest::newRow("list of numbers") << "1" << "1, 2, 3" << false;
    }

    void whichNumberCounts()
    {
        QFETCH(QString, reference);
        QFETCH(QString, response);
        QFETCH(bool, correct);
        const Verdict v = verifyGsm8k(reference.toStdString(), response.toStdString());
        QVERIFY2(v.correct == correct, v.reason.c_str());
    }

    void referenceWithoutMarkIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, gsm8kReferenceAnswer("She makes 18 dollars."));
        QVERIFY_THROWS_EXCEPTION(rlrf::Error, gsm8kReferenceAnswer("#### none"));
        QCOMPARE(gsm8kReferenceAnswer("x\n#### 1,000"), std::string("1000"));
    }
};

QTEST_GUILESS_MAIN(TestGsm8kVerifier)
#include "tst_gsm8k_verifier.moc"
