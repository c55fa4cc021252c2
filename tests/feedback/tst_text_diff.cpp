// SPDX-License-Identifier: GPL-3.0-or-later
// Word-level diff: both texts come back byte for byte from the runs, the number
// of kept words equals an independent LCS length (a plain recursive count over
// word lists, written here), and hand-worked refinements of arith answers give
// the runs a reader expects.
#include "feedback/text_diff.h"

#include <QtTest/QtTest>

#include <functional>
#include <random>

using namespace rlrf::feedback;

namespace {

std::string spell(const std::vector<DiffRun> &runs, DiffKind skip)
{
    std::string out;
    for (const auto &r : runs)
        if (r.kind != skip)
            out += r.text;
    return out;
}

// Independent reference: memoised recursion over whole tokens.
std::size_t referenceLcs(const std::vector<std::string> &a, const std::vector<std::string> &b)
{
    std::vector<std::vector<long>> memo(a.size() + 1, std::vector<long>(b.size() + 1, -1));
    std::function<long(std::size_t, std::size_t)> f = [&](std::size_t i, std::size_t j) -> long {
        if (i == a.size() || j == b.size())
            return 0;
        long &m = memo[i][j];
        if (m >= 0)
            return m;
        return m = a[i] == b[j] ? 1 + f(i + 1, j + 1) : std::max(f(i + 1, j), f(i, j + 1));
    };
    return static_cast<std::size_t>(f(0, 0));
}

std::size_t keptTokens(const std::vector<DiffRun> &runs)
{
    std::size_t n = 0;
    for (const auto &r : runs)
        if (r.kind == DiffKind::Same)
            n += wordTokens(r.text).size();
    return n;
}

} // namespace

class TestTextDiff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tokensRebuildTheText()
    {
        const std::string text = "  2 + 3 = 6\n\nAnswer:\t6 ";
        const auto tokens = wordTokens(text);
        std::string joined;
        for (const auto &t : tokens)
            joined += t;
        QCOMPARE(joined, text);
        QCOMPARE(tokens.front(), std::string("  "));
        QCOMPARE(tokens.at(1), std::string("2"));
        QVERIFY(wordTokens("").empty());
    }

    void refinementOfAWrongStep()
    {
        const auto runs = wordDiff("5 + 3 = 9\nAnswer: 9", "5 + 3 = 8\nAnswer: 8");
        QCOMPARE(runs.size(), size_t(6));
        QCOMPARE(runs[0].text, std::string("5 + 3 = "));
        QCOMPARE(runs[1].kind, DiffKind::Removed);
        QCOMPARE(runs[1].text, std::string("9"));
        QCOMPARE(runs[2].kind, DiffKind::Inserted);
        QCOMPARE(runs[2].text, std::string("8"));
        QCOMPARE(runs[3].text, std::string("\nAnswer: "));
        QCOMPARE(runs[4].kind, DiffKind::Removed);
        QCOMPARE(runs[5].kind, DiffKind::Inserted);
        QCOMPARE(runs[5].text, std::string("8"));
        const auto stats = diffStats(runs);
        QCOMPARE(stats.removed, size_t(2));
        QCOMPARE(stats.inserted, size_t(2));
        QCOMPARE(stats.kept, size_t(5));
    }

    void addedStepAndEdgeCases()
    {
        auto runs = wordDiff("4 + 3 = 7", "4 + 3 = 7\n7 * 2 = 14\nAnswer: 14");
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[1].kind, DiffKind::Inserted);
        QCOMPARE(runs[1].text, std::string("\n7 * 2 = 14\nAnswer: 14"));
        runs = wordDiff("", "Answer: 3");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].kind, DiffKind::Inserted);
        runs = wordDiff("same text", "same text");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].kind, DiffKind::Same);
        QVERIFY(wordDiff("", "").empty());
    }

    void randomTextsRoundTripWithMaximalKeep()
    {
        std::mt19937 rng(20240607);
        const std::vector<std::string> vocab{"a", "b", "c", "2", "+", "=", "Answer:"};
        const std::vector<std::string> spaces{" ", "\n", "  "};
        auto randomText = [&](int words) {
            std::string text;
            for (int i = 0; i < words; ++i)
                text += vocab[rng() % vocab.size()] + spaces[rng() % spaces.size()];
            return text;
        };
        for (int trial = 0; trial < 200; ++trial) {
            const std::string a = randomText(static_cast<int>(rng() % 14));
            const std::string b = randomText(static_cast<int>(rng() % 14));
            const auto runs = wordDiff(a, b);
            QCOMPARE(spell(runs, DiffKind::Inserted), a);
            QCOMPARE(spell(runs, DiffKind::Removed), b);
            QCOMPARE(keptTokens(runs), referenceLcs(wordTokens(a), wordTokens(b)));
            for (std::size_t i = 1; i < runs.size(); ++i) // runs are maximal and removal-first
                QVERIFY(!(runs[i].kind == runs[i - 1].kind)
                        && !(runs[i].kind == DiffKind::Removed && runs[i - 1].kind == DiffKind::Inserted));
        }
    }
};

QTEST_GUILESS_MAIN(TestTextDiff)
#include "tst_text_diff.moc"
