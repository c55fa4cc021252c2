// SPDX-License-Identifier: GPL-3.0-or-later
// BFCL exact match on every row of the four possible-answer files in
// shared/data/bfcl/possible_answer (ShishirPatil/gorilla, BFCL v4 "simple"
// categories). For each row a call is built here from its possible answers
// (first allowed value of each parameter, with and without the omittable ones),
// written as JSON and as a Python call: it must match. The same call with one
// argument changed, renamed, extended or missing a required argument must not.
#include "tasks/bfcl/bfcl_verifier.h"

#include "common/test_paths.h"

#include "core/jsonl_reader.h"

#include <QtTest/QtTest>

using namespace rlrf::tasks;
using nlohmann::json;

namespace {

bool omittable(const json &alternatives)
{
    for (const auto &a : alternatives)
        if (a == "")
            return true;
    return false;
}

json firstAllowed(const json &alternatives, bool withOptional);

// One concrete value from an allowed value (dicts hold alternatives per key).
json concrete(const json &allowed, bool withOptional)
{
    if (allowed.is_object()) {
        json out = json::object();
        for (auto it = allowed.begin(); it != allowed.end(); ++it)
            if (withOptional || !omittable(it.value()))
                if (auto v = firstAllowed(it.value(), withOptional); !v.is_discarded())
                    out[it.key()] = v;
        return out;
    }
    if (allowed.is_array()) {
        json out = json::array();
        for (const auto &e : allowed)
            out.push_back(concrete(e, withOptional));
        return out;
    }
    return allowed;
}

json firstAllowed(const json &alternatives, bool withOptional)
{
    if (alternatives.empty())
        return json::array(); // see bfcl_verifier.h: [] stands for the empty list
    for (const auto &a : alternatives)
        if (a != "")
            return concrete(a, withOptional);
    return json(json::value_t::discarded); // only "": leave the parameter out
}

std::string python(const json &v)
{
    if (v.is_boolean())
        return v.get<bool>() ? "True" : "False";
    if (v.is_null())
        return "None";
    if (v.is_string()) {
        std::string s = "'";
        for (char c : v.get<std::string>()) {
            if (c == '\\' || c == '\'')
                s += '\\';
            if (c == '\n') {
                s += "\\n";
                continue;
            }
            s += c;
        }
        return s + "'";
    }
    if (v.is_array() || v.is_object()) {
        std::string s = v.is_array() ? "[" : "{";
        for (auto it = v.begin(); it != v.end(); ++it) {
            s += (it == v.begin() ? "" : ", ");
            s += v.is_object() ? python(json(it.key())) + ": " + python(it.value()) : python(it.value());
        }
        return s + (v.is_array() ? "]" : "}");
    }
    return v.dump();
}

std::string pythonCall(const std::string &name, const json &args)
{
    std::string s = name + "(";
    for (auto it = args.begin(); it != args.end(); ++it)
        s += (it == args.begin() ? "" : ", ") + it.key() + "=" + python(it.value());
    return s + ")";
}

// A value of the same type that no allowed value matches, where one exists.
json wrongValue(const json &v)
{
    if (v.is_string())
        return v.get<std::string>() + "qqq";
    if (v.is_boolean())
        return !v.get<bool>();
    if (v.is_number_integer())
        return v.get<std::int64_t>() + 1000003;
    if (v.is_number_float())
        return v.get<double>() + 1000003.5;
    if (v.is_array()) {
        json w = v;
        w.push_back(424242);
        return w;
    }
    return "not a dict";
}

} // namespace

class TestBfclVerifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realPossibleAnswers_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rows");
        QTest::newRow("python") << "BFCL_v4_simple_python.json" << 400;
        QTest::newRow("live") << "BFCL_v4_live_simple.json" << 258;
        QTest::newRow("java") << "BFCL_v4_simple_java.json" << 100;
        QTest::newRow("javascript") << "BFCL_v4_simple_javascript.json" << 50;
    }

    void realPossibleAnswers()
    {
        QFETCH(QString, file);
        QFETCH(int, rows);
        const QString path = rlrf::test::sharedData(QStringLiteral("bfcl/possible_answer/") + file);
        QVERIFY2(!path.isEmpty(), qPrintable(QStringLiteral("missing bfcl/possible_answer/%1 under %2")
                                             .arg(file, rlrf::test::sharedDataDir())));
        int count = 0, mutated = 0, typeMutated = 0;
        rlrf::jsonl::forEachLine(path.toStdString(), [&](const json &row, long) {
            ++count;
            const std::string id = row.at("id");
            const json &truth = row.at("ground_truth");
            const std::string name = truth[0].begin().key();
            const json &params = truth[0].begin().value();
            for (bool withOptional : {true, false}) {
                json args = json::object();
                for (auto it = params.begin(); it != params.end(); ++it)
                    if (withOptional || !omittable(it.value()))
                        if (auto v = firstAllowed(it.value(), withOptional); !v.is_discarded())
                            args[it.key()] = v;
                const json call{{"name", name}, {"arguments", args}};
                const Verdict j = verifyBfcl(call.dump(), truth);
                QVERIFY2(j.correct, (id + " json: " + j.reason + "\n" + call.dump()).c_str());
                const Verdict p = verifyBfcl(pythonCall(name, args), truth);
                QVERIFY2(p.correct, (id + " python: " + p.reason + "\n" + pythonCall(name, args)).c_str());
                if (args.empty())
                    continue;
                // One argument changed: a value of the same kind, then of another kind.
                const std::string key = args.begin().key();
                json wrong = args;
                wrong[key] = wrongValue(args[key]);
                // Where both booleans are allowed, no boolean is wrong.
                const bool bothAllowed = args[key].is_boolean() && params[key].is_array()
                    && std::find(params[key].begin(), params[key].end(), wrong[key]) != params[key].end();
                if (!bothAllowed)
                    QVERIFY2(!matchBfclCall({name, wrong}, truth).correct, (id + ": " + wrong.dump()).c_str());
                mutated += !bothAllowed;
                wrong[key] = args[key].is_string() ? json(987654321) : json("987654321");
                QVERIFY2(!matchBfclCall({name, wrong}, truth).correct, (id + ": " + wrong.dump()).c_str());
                ++typeMutated;
            }
            QVERIFY(!verifyBfcl(json{{"name", name + "_v2"}, {"arguments", json::object()}}.dump(), truth).correct);
        });
        QCOMPARE(count, rows);
        qInfo("%d rows matched in JSON and Python form; %d wrong values of the same type and %d of another "
              "type rejected", count, mutated, typeMutated);
    }

    void argumentRules()
    {
        // simple_python_0 of BFCL_v4_simple_python: unit may be omitted, base and height may not.
        const json truth = json::parse("[{\"calculate_triangle_area\": {\"base\": [10], \"height\": [5], \"unit\": [\"units\", \"\"]}}]");
        QVERIFY(verifyBfcl("calculate_triangle_area(base=10, height=5)", truth).correct);
        QVERIFY(verifyBfcl("calculate_triangle_area(base=10, height=5, unit='Units')", truth).correct);
        QVERIFY(verifyBfcl("```python\ncalculate_triangle_area(height=5, base=10)\n```", truth).correct);
        QVERIFY(verifyBfcl("{\"name\": \"calculate_triangle_area\", \"arguments\": \"{\\\"base\\\": 10, \\\"height\\\": 5}\"}", truth).correct);
        QVERIFY(verifyBfcl("[{\"calculate_triangle_area\": {\"base\": 10, \"height\": 5}}]", truth).correct);
        const std::pair<const char *, const char *> bad[] = {
            {"calculate_triangle_area(base=10)", "missing required argument 'height'"},
            {"calculate_triangle_area(base=10, height=5, colour='red')", "unexpected argument 'colour'"},
            {"calculate_triangle_area(base=10, height=6)", "argument 'height'"},
            {"calculate_triangle_area(base=10.0, height=5)", "argument 'base'"}, // an integer is expected
            {"calculate_triangle_area(base='10', height=5)", "argument 'base'"},
            {"calculate_triangle_area(base=10, height=5, unit='cm')", "argument 'unit'"},
            {"calculate_area(base=10, height=5)", "not in the ground truth"},
            {"calculate_triangle_area(10, 5)", "positional"},
            {"calculate_triangle_area(base=10, base=10, height=5)", "twice"},
            {"calculate_triangle_area(base=10, height=5", "expected ')'"},
            {"calculate_triangle_area(base=os.system('x'), height=5)", "not a literal"},
            {"{\"name\": \"calculate_triangle_area\", \"arguments\": [10, 5]}", "JSON object"},
            {"{\"name\": \"calculate_triangle_area\", \"arguments\": {\"base\": 10,", "invalid JSON"},
            {"", "no function call"},
        };
        for (const auto &[response, reason] : bad) {
            const Verdict v = verifyBfcl(response, truth);
            QVERIFY2(!v.correct, response);
            QVERIFY2(v.reason.find(reason) != std::string::npos, (std::string(response) + " -> " + v.reason).c_str());
        }
    }

    void valueRules()
    {
        // A float answer accepts an equal integer; lists keep their order; dicts recurse.
        const json truth = json::parse("[{\"f\": {\"x\": [2.0], \"l\": [[\"a\", \"b\"]], \"d\": [{\"k\": [1], \"o\": [\"\", true]}]}}]");
        QVERIFY(verifyBfcl("f(x=2, l=['A', 'b'], d={'k': 1})", truth).correct);
        QVERIFY(verifyBfcl("f(x=2.0, l=['a', 'b'], d={'k': 1, 'o': True})", truth).correct);
        QVERIFY(!verifyBfcl("f(x=2.5, l=['a', 'b'], d={'k': 1})", truth).correct);
        QVERIFY(!verifyBfcl("f(x=2, l=['b', 'a'], d={'k': 1})", truth).correct);
        QVERIFY(!verifyBfcl("f(x=2, l=['a', 'b'], d={'k': 1, 'z': 0})", truth).correct);
        QVERIFY(!verifyBfcl("f(x=2, l=['a', 'b'], d={'o': True})", truth).correct);
        QVERIFY(!verifyBfcl("f(x=True, l=['a', 'b'], d={'k': 1})", truth).correct);
        QCOMPARE(bfclStandardize("New York, NY"), std::string("newyorkny"));
    }
};

QTEST_GUILESS_MAIN(TestBfclVerifier)
#include "tst_bfcl_verifier.moc"
