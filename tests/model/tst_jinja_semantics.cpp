// The interpreter against Python Jinja2 itself, for the language corners that the
// model templates do not reach: how values print, Python string methods, filters,
// tests, slicing, scoping, macros and call blocks, whitespace control. Each row of
// tests/fixtures/chat_templates/jinja2_semantics.json holds a template and the output
// Python Jinja2 gave for it (configured as transformers configures it).
#include "common/test_paths.h"

#include "core/error.h"
#include "model/jinja/template.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

QString goldenPath()
{
    return rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/chat_templates/jinja2_semantics.json");
}

nlohmann::json readRows()
{
    std::ifstream in(goldenPath().toStdString());
    return in ? nlohmann::json::parse(in)["rows"] : nlohmann::json::array();
}

} // namespace

class TestJinjaSemantics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goldenFileIsPresent()
    {
        QVERIFY2(QFileInfo::exists(goldenPath()), qPrintable(QStringLiteral("missing ") + goldenPath()));
        QVERIFY(readRows().size() >= 20);
    }

    void rendersAsPythonJinja2_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        for (const auto &row : readRows())
            QTest::newRow(row["name"].get<std::string>().c_str())
                << QString::fromStdString(row["template"].get<std::string>())
                << QString::fromStdString(row["expected"].get<std::string>());
    }

    void rendersAsPythonJinja2()
    {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        std::string out;
        try {
            out = rlrf::jinja::Template(source.toStdString(), "golden.jinja").render({});
        } catch (const rlrf::Error &e) {
            QFAIL(e.what());
        }
        QCOMPARE(QString::fromStdString(out), expected);
    }

    void namespaceChangesSurviveLoopScopes()
    {
        // The pattern Qwen3's template relies on: set in a loop is local, ns.attr is not.
        const rlrf::jinja::Template t(
            "{% set ns = namespace(last=-1) %}{% set plain = -1 %}"
            "{% for m in messages %}{% if m == 'user' %}{% set ns.last = loop.index0 %}{% set plain = loop.index0 %}{% endif %}{% endfor %}"
            "{{ ns.last }} {{ plain }}",
            "scope.jinja");
        const auto messages = rlrf::jinja::Value::list({rlrf::jinja::Value::string("user"), rlrf::jinja::Value::string("assistant"),
                                                        rlrf::jinja::Value::string("user"), rlrf::jinja::Value::string("tool")});
        QCOMPARE(QString::fromStdString(t.render({{"messages", messages}})), QStringLiteral("2 -1"));
    }

    void strftimeNowUsesLocalTime()
    {
        // transformers' strftime_now(format) = datetime.now().strftime(format).
        const rlrf::jinja::Template t("{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%d %B %Y') }}", "date.jinja");
        const QDate today = QDate::currentDate();
        const QString expected = today.toString(QStringLiteral("yyyy-MM-dd")) + QLatin1Char('|')
            + today.toString(QStringLiteral("dd ")) + QLocale::c().monthName(today.month()) + today.toString(QStringLiteral(" yyyy"));
        QCOMPARE(QString::fromStdString(t.render({})), expected);
    }

    void contextIsNotChangedByRendering()
    {
        // A template that appends to a list it was given must not leak into the next render.
        const rlrf::jinja::Template t("{% set xs = xs + [1] %}{{ xs | length }}", "ctx.jinja");
        const auto xs = rlrf::jinja::Value::list({rlrf::jinja::Value::integer(0)});
        QCOMPARE(QString::fromStdString(t.render({{"xs", xs}})), QStringLiteral("2"));
        QCOMPARE(QString::fromStdString(t.render({{"xs", xs}})), QStringLiteral("2"));
        QCOMPARE(xs.items().size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestJinjaSemantics)
#include "tst_jinja_semantics.moc"
