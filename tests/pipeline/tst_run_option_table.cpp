// SPDX-License-Identifier: GPL-3.0-or-later
// The settings tables of `rlrf run` and `rlrf rrr`, which the CLI and the Run
// area's form are both built from: their defaults are the settings structs'
// own, their ranges are exactly what validate() accepts (so a form can never
// offer a value the run refuses, nor refuse one it takes), values round-trip,
// and every mistake is an error naming the flag. The CLI's help is checked to
// list every field with the same default.
#include "common/cli_runner.h"
#include "common/error_assert.h"

#include "pipeline/rrr/rrr_option_table.h"
#include "pipeline/run/run_option_table.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace rlrf;

namespace {

// A value just outside [minimum, maximum] on the low or high side, and the
// closest one inside it, for the field's kind.
double outside(options::Kind kind, double bound, bool low, bool exclusive)
{
    if (kind == options::Kind::Integer)
        return low ? bound - 1 : bound + 1;
    if (low && exclusive)
        return bound;
    return low ? bound - 1e-3 : bound + 1e-3;
}

double inside(options::Kind kind, double bound, bool low, bool exclusive)
{
    if (low && exclusive)
        return kind == options::Kind::Integer ? bound + 1 : bound + 1e-3;
    return bound;
}

template <class Settings, class Validate>
void checkRangesMatchValidate(const std::vector<options::Field<Settings>> &fields, Settings base, Validate validate)
{
    int bounds = 0;
    for (const auto &f : fields) {
        if (f.kind != options::Kind::Integer && f.kind != options::Kind::Real)
            continue;
        for (const bool low : {true, false}) {
            const double bound = low ? f.minimum : f.maximum;
            if (!std::isfinite(bound))
                continue;
            ++bounds;
            const std::string bad = options::formatNumber(outside(f.kind, bound, low, f.minExclusive));
            const std::string good = options::formatNumber(inside(f.kind, bound, low, f.minExclusive));
            RLRF_VERIFY_THROWS_WITH(options::checkValue(f, bad), "'--" + f.flag + "'");
            options::checkValue(f, good);
            Settings accepted = base;
            f.set(accepted, good);
            try {
                validate(accepted);
            } catch (const Error &e) {
                QFAIL(qPrintable(QString::fromStdString("--" + f.flag + " " + good + " passes the table but validate() says: "
                                                        + e.what())));
            }
            // validate() refuses the value the table refuses. A negative seed cannot
            // reach a struct (seeds are unsigned); the table alone stops it.
            if (f.flag == "seed" || f.flag == "test-seed")
                continue;
            Settings refused = base;
            f.set(refused, bad);
            bool threw = false;
            try {
                validate(refused);
            } catch (const Error &) {
                threw = true;
            }
            QVERIFY2(threw, qPrintable(QString::fromStdString("--" + f.flag + " " + bad
                                                              + " is refused by the table but validate() takes it")));
        }
    }
    QVERIFY(bounds > 5);
}

} // namespace

class TestRunOptionTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsRoundTrip()
    {
        const pipeline::PipelineOptions defaults;
        const auto values = pipeline::runOptionValues(defaults);
        QCOMPARE(values.size(), pipeline::runOptionFields().size());
        const auto back = pipeline::runOptionsFromValues(values);
        QCOMPARE(pipeline::toJson(back).dump(), pipeline::toJson(defaults).dump());
        QCOMPARE(values.at("prompts"), std::string("2048"));
        QCOMPARE(values.at("lr"), std::string("5e-5"));
        QCOMPARE(values.at("pair-rule"), std::string("best_worst,refined_vs_original"));
        QCOMPARE(values.at("verified-chosen"), std::string("1"));
        QCOMPARE(values.at("baseline"), std::string("0"));
        QCOMPARE(values.at("no-dpo"), std::string("0"));
        QCOMPARE(values.at("refinements"), std::string("2"));
    }

    void valuesReachTheOptions()
    {
        const auto o = pipeline::runOptionsFromValues({{"baseline", "1"},
                                                       {"prompts", "17"},
                                                       {"verified-chosen", "0"},
                                                       {"whole-rejected", "1"},
                                                       {"pair-rule", "pareto, best_worst"},
                                                       {"device", "cuda:1"},
                                                       {"dtype", "bfloat16"},
                                                       {"lr", "2e-5"},
                                                       {"seed", "7"}});
        QVERIFY(o.mode == pipeline::PipelineMode::RewardOnly);
        QCOMPARE(o.promptsPerIteration, 17);
        QVERIFY(!o.verifiedChosen);
        QVERIFY(!o.cutRejectedAtFlaw);
        QCOMPARE(o.pairRules, (std::vector<std::string>{"pareto", "best_worst"}));
        QCOMPARE(o.dpo.device, std::string("cuda:1"));
        QCOMPARE(o.sft.device, std::string("cuda:1")); // one device for both passes
        QCOMPARE(o.sft.dtype, std::string("bfloat16"));
        QCOMPARE(o.dpo.learningRate, 2e-5);
        QCOMPARE(o.seed, std::uint64_t(7));
        const auto ablation = pipeline::runOptionsFromValues({{"refinements", "0"}, {"no-dpo", "1"}});
        QCOMPARE(ablation.refinements, std::int64_t(0));
        QVERIFY(!ablation.dpoPass);
        // And back: the values of a stored run fill a form with what it ran with.
        QCOMPARE(pipeline::toJson(pipeline::runOptionsFromValues(pipeline::runOptionValues(o))).dump(),
                 pipeline::toJson(o).dump());
    }

    void mistakesNameTheFlag()
    {
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"samples", "1"}}, "Run form"),
                                "Run form: '--samples': must be at least 2, got 1");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"prompts", "many"}}), "'--prompts': expects a whole number");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"temperature", "nan"}}), "'--temperature'");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"loss", "square"}}),
                                "'--loss': must be one of sigmoid, ipo, hinge, apo_zero, apo_down");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"pair-rule", "best_worst,nearest"}}), "'nearest' is not one of best_worst, refined_vs_original");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"pair-rule", " , "}}), "'--pair-rule': needs at least one");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"colour", "blue"}}), "'--colour': unknown setting");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"seed", "-1"}}), "'--seed': must be at least 0");
        RLRF_VERIFY_THROWS_WITH(pipeline::runOptionsFromValues({{"no-dpo", "1"}, {"sft-epochs", "0"}}),
                                "without DPO the supervised pass must run");
        try {
            pipeline::runOptionsFromValues({{"delta", "2"}});
            QFAIL("delta 2 accepted");
        } catch (const Error &e) {
            QCOMPARE(e.source().field, std::string("--delta")); // what the form marks
        }
    }

    void rangesAreWhatValidateAccepts()
    {
        // With an adapter, so validate() checks the LoRA fields too (it ignores
        // alpha and dropout while the rank is 0).
        pipeline::PipelineOptions withAdapter;
        withAdapter.sft.lora.rank = withAdapter.dpo.lora.rank = 4;
        checkRangesMatchValidate(pipeline::runOptionFields(), withAdapter,
                                 [](const pipeline::PipelineOptions &o) { pipeline::validate(o); });
        checkRangesMatchValidate(rrr::rrrOptionFields(), rrr::RrrRunRequest{},
                                 [](const rrr::RrrRunRequest &r) { rrr::validate(r.config); });
    }

    void rrrValues()
    {
        rrr::RrrRunRequest request;
        rrr::applyRrrValues({{"task", "countdown"}, {"group-size", "4"}, {"lr", "2e-4"}, {"out", "models/x"}}, request);
        QCOMPARE(request.task, std::string("countdown"));
        QCOMPARE(request.config.groupSize, 4);
        QCOMPARE(request.config.learningRate, 2e-4);
        QCOMPARE(request.outputDir, std::string("models/x"));
        QCOMPARE(request.config.trainQueries, rrr::RrrConfig{}.trainQueries);
        // Failures are mined greedily by default, like the evaluation's first try;
        // several attempts per query only make sense when they are sampled.
        QCOMPARE(request.config.mineTemperature, 0.0);
        QCOMPARE(request.config.mineSamples, 1);
        rrr::validate(request.config);
        rrr::RrrRunRequest sampled;
        rrr::applyRrrValues({{"task", "arith"}, {"mine-samples", "4"}, {"mine-temperature", "1"}}, sampled);
        rrr::validate(sampled.config);
        rrr::RrrConfig greedyFour;
        greedyFour.mineSamples = 4;
        RLRF_VERIFY_THROWS_WITH(rrr::validate(greedyFour, "cfg.json"), "1 when mine_temperature is 0");
        rrr::RrrRunRequest none;
        RLRF_VERIFY_THROWS_WITH(rrr::applyRrrValues({}, none), "'--task': choose a task");
        RLRF_VERIFY_THROWS_WITH(rrr::applyRrrValues({{"task", "chess"}}, none), "'--task': must be one of arith");
        RLRF_VERIFY_THROWS_WITH(rrr::applyRrrValues({{"task", "arith"}, {"group-size", "1"}}, none),
                                "'--group-size': must be at least 2");
    }

    // The CLI lists every field with the default the struct holds: no second copy.
    void cliHelpIsTheTable()
    {
        const auto run = test::runCli({QStringLiteral("run"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        const QString runHelp = QString::fromUtf8(run.out + run.err);
        for (const auto &f : pipeline::runOptionFields()) {
            QVERIFY2(runHelp.contains(QString::fromStdString("--" + f.flag)), f.flag.c_str());
            QVERIFY2(runHelp.contains(QString::fromStdString(options::helpWithDefault(f))), f.flag.c_str());
            if (!f.offFlag.empty())
                QVERIFY2(runHelp.contains(QString::fromStdString("--" + f.offFlag)), f.offFlag.c_str());
        }
        const auto rrrRun = test::runCli({QStringLiteral("rrr"), QStringLiteral("--help")});
        const QString rrrHelp = QString::fromUtf8(rrrRun.out + rrrRun.err);
        for (const auto &f : rrr::rrrOptionFields())
            QVERIFY2(rrrHelp.contains(QString::fromStdString(options::helpWithDefault(f))), f.flag.c_str());
    }

    void cliRefusesWhatTheTableRefuses()
    {
        const auto r = test::runCli({QStringLiteral("run"), QStringLiteral("nowhere.rlrf"), QStringLiteral("--samples"),
                                     QStringLiteral("1")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("'--samples': must be at least 2, got 1"), r.err.constData());
        const auto both = test::runCli({QStringLiteral("run"), QStringLiteral("nowhere.rlrf"),
                                        QStringLiteral("--verified-chosen"), QStringLiteral("--any-chosen")});
        QCOMPARE(both.exitCode, 2);
        QVERIFY2(both.err.contains("contradict"), both.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestRunOptionTable)
#include "tst_run_option_table.moc"
