// Bad input to chat templates: every kind fails with rlrf::Error naming the file
// (and the line where there is one) and the cause; nothing crashes or renders
// silently. Also the loading rules (which template wins, named templates, special
// tokens) and saveChatTemplate.
#include "core/error.h"
#include "model/chat_template.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using ojson = nlohmann::ordered_json;
using rlrf::model::ChatTemplate;

namespace {

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    f.write(contents);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ojson oneUser(const std::string &role = "user")
{
    return ojson::array({{{"role", role}, {"content", "hi"}}});
}

// Runs `fn`, which must throw rlrf::Error; returns it.
template <typename Fn>
rlrf::Error expectError(Fn fn)
{
    try {
        fn();
    } catch (const rlrf::Error &e) {
        return e;
    }
    return rlrf::Error("NO ERROR WAS THROWN");
}

} // namespace

class TestChatTemplateErrors : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_count = 0;

    // A fresh model folder with the given files.
    QString modelDir(const QByteArray &config, const QByteArray &jinja = {})
    {
        const QString dir = m_tmp.path() + QStringLiteral("/m%1").arg(++m_count);
        QDir().mkpath(dir);
        if (!config.isNull())
            writeFile(dir + QStringLiteral("/tokenizer_config.json"), config);
        if (!jinja.isNull())
            writeFile(dir + QStringLiteral("/chat_template.jinja"), jinja);
        return dir;
    }

private Q_SLOTS:
    void syntaxErrorNamesFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("source");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("cause");
        QTest::newRow("incomplete expression") << QByteArray("a\nb\n{{ x + }}") << 3 << QStringLiteral("unexpected '}}'");
        QTest::newRow("missing endif") << QByteArray("{% if x %}\nyes\n") << 2 << QStringLiteral("missing '{% endif %}'");
        QTest::newRow("stray endfor") << QByteArray("ok\n\n{% endfor %}") << 3 << QStringLiteral("'endfor'");
        QTest::newRow("unknown tag") << QByteArray("a\n{% frobnicate %}") << 2 << QStringLiteral("unknown or unsupported tag 'frobnicate'");
        QTest::newRow("unclosed string") << QByteArray("\n\n{{ 'open }}") << 3 << QStringLiteral("string literal is not closed");
        QTest::newRow("unclosed comment") << QByteArray("x\n{# note") << 2 << QStringLiteral("comment is not closed");
        QTest::newRow("unclosed tag") << QByteArray("{% for m in messages") << 1 << QStringLiteral("not closed with '%}'");
        QTest::newRow("unclosed raw") << QByteArray("\n{% raw %}{{ x }}") << 2 << QStringLiteral("raw block is not closed");
        QTest::newRow("number out of range") << QByteArray("{{ 99999999999999999999 }}") << 1 << QStringLiteral("number literal out of range");
        QTest::newRow("for without in") << QByteArray("{% for m messages %}{% endfor %}") << 1 << QStringLiteral("expected 'in'");
        QTest::newRow("bad character") << QByteArray("\n{{ a ! b }}") << 2 << QStringLiteral("unexpected character '!'");
        QTest::newRow("unknown filter") << QByteArray("line one\n{{ messages | frobnicate }}") << 2 << QStringLiteral("unknown filter 'frobnicate'");
        QTest::newRow("unknown test") << QByteArray("{% if x is frobnicated %}{% endif %}") << 1 << QStringLiteral("unknown test 'frobnicated'");
        // Hostile nesting must fail cleanly, not overflow the stack.
        QTest::newRow("deep parentheses") << "\n{{ " + QByteArray(100000, '(') + "1" + QByteArray(100000, ')') + " }}" << 2
                                          << QStringLiteral("nested too deeply");
        QTest::newRow("long chain") << "{{ 1" + QByteArray(" + 1").repeated(100000) + " }}" << 1 << QStringLiteral("nested too deeply");
        QTest::newRow("deep ifs") << QByteArray("{% if x %}").repeated(100000) << 1 << QStringLiteral("nested too deeply");
        QTest::newRow("long elif chain") << "{% if x %}" + QByteArray("{% elif x %}").repeated(100000) + "{% endif %}" << 1
                                         << QStringLiteral("nested too deeply");
    }

    void syntaxErrorNamesFileAndLine()
    {
        QFETCH(QByteArray, source);
        QFETCH(int, line);
        QFETCH(QString, cause);
        const QString dir = modelDir("{\"eos_token\": \"</s>\"}", source);
        const auto e = expectError([&] { ChatTemplate::load(dir.toStdString()); });
        const QString path = dir + QStringLiteral("/chat_template.jinja");
        QCOMPARE(QString::fromStdString(e.source().file), path);
        QCOMPARE(int(e.source().line), line);
        QVERIFY2(QString::fromUtf8(e.what()).contains(cause), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).startsWith(path + QStringLiteral(":%1: template syntax error").arg(line)), e.what());
    }

    void syntaxErrorInTokenizerConfigNamesIt()
    {
        ojson config = {{"chat_template", "{% for m in messages %}\n{{ m.content | nosuchfilter }}\n{% endfor %}"}};
        const QString dir = modelDir(QByteArray::fromStdString(config.dump()));
        const auto e = expectError([&] { ChatTemplate::load(dir.toStdString()); });
        QCOMPARE(QString::fromStdString(e.source().file), dir + QStringLiteral("/tokenizer_config.json (chat_template)"));
        QCOMPARE(e.source().line, 2L);
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("unknown filter 'nosuchfilter'")), e.what());
    }

    void raiseExceptionSurfaces()
    {
        const QString dir = modelDir({}, "{% for m in messages %}\n{% if m.role not in ['user', 'assistant'] %}\n"
                                         "{{ raise_exception('Unsupported role: ' + m.role) }}\n{% endif %}{% endfor %}");
        const auto tmpl = ChatTemplate::load(dir.toStdString());
        QCOMPARE(QString::fromStdString(tmpl.render(oneUser(), false)), QString());
        const auto e = expectError([&] { tmpl.render(oneUser("narrator"), false); });
        QCOMPARE(QString::fromStdString(e.source().file), dir + QStringLiteral("/chat_template.jinja"));
        QCOMPARE(e.source().line, 3L);
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("raise_exception: Unsupported role: narrator")), e.what());
    }

    void runtimeErrorsNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("source");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("cause");
        QTest::newRow("attribute of undefined") << QByteArray("\n{{ messages[0].nope.deeper }}") << 2 << QStringLiteral("'dict object' has no attribute 'nope'");
        QTest::newRow("undefined variable in arithmetic") << QByteArray("{{ missing + 1 }}") << 1 << QStringLiteral("'missing' is undefined");
        QTest::newRow("type mismatch") << QByteArray("\n\n{{ 1 + 'a' }}") << 3 << QStringLiteral("unsupported operand type(s) for +: 'int' and 'str'");
        QTest::newRow("not iterable") << QByteArray("{% for x in 5 %}{% endfor %}") << 1 << QStringLiteral("'int' object is not iterable");
        QTest::newRow("unpacking") << QByteArray("{% set a, b = [1] %}") << 1 << QStringLiteral("not enough values to unpack");
        QTest::newRow("not a namespace") << QByteArray("{% set d = {} %}\n{% set d.x = 1 %}") << 2 << QStringLiteral("not a namespace()");
        QTest::newRow("calling a string") << QByteArray("{{ 'text'() }}") << 1 << QStringLiteral("'str' object is not callable");
        QTest::newRow("division by zero") << QByteArray("{{ 1 // 0 }}") << 1 << QStringLiteral("division or modulo by zero");
        QTest::newRow("tojson of undefined") << QByteArray("{{ nothing | tojson }}") << 1 << QStringLiteral("'nothing' is undefined");
        QTest::newRow("integer overflow") << QByteArray("{{ 2 ** 64 }}") << 1 << QStringLiteral("integer overflow");
        QTest::newRow("trapping division") << QByteArray("{{ (-9223372036854775807 - 1) // -1 }}") << 1 << QStringLiteral("integer overflow");
        QTest::newRow("huge exponent") << QByteArray("{{ 3 ** 1000000000000 }}") << 1 << QStringLiteral("integer overflow");
        QTest::newRow("huge repetition") << QByteArray("{{ 'abc' * 100000000 }}") << 1 << QStringLiteral("too large");
        QTest::newRow("huge format index") << QByteArray("{{ '{99999999999999999999}'.format(1) }}") << 1 << QStringLiteral("cannot evaluate");
        QTest::newRow("namespace holding itself") << QByteArray("{% set ns = namespace(a=[]) %}\n{% set ns.a = [ns] %}") << 2
                                                  << QStringLiteral("cannot contain itself");
        QTest::newRow("list holding itself") << QByteArray("{% set xs = [] %}{% set _ = xs.append({'k': xs}) %}") << 1
                                             << QStringLiteral("cannot contain itself");
        QTest::newRow("runaway nesting") << QByteArray("{% set ns = namespace(x=0) %}{% for i in range(5000) %}\n{% set ns.x = [ns.x] %}{% endfor %}")
                                         << 2 << QStringLiteral("nested too deeply");
        // A hostile template is stopped, not left to hang or exhaust memory.
        QTest::newRow("endless loops") << QByteArray("{% for a in range(3) %}\n{% for c in range(600000) %}{% endfor %}{% endfor %}")
                                       << 2 << QStringLiteral("loops ran more than 1000000 iterations in one render");
        QTest::newRow("doubling string") << QByteArray("{% set ns = namespace(s='ab') %}{% for i in range(60) %}\n{% set ns.s = ns.s ~ ns.s %}{% endfor %}")
                                         << 2 << QStringLiteral("string result too large (more than 16 MiB)");
        QTest::newRow("doubling list") << QByteArray("{% set ns = namespace(s=[1]) %}{% for i in range(60) %}\n{% set ns.s = ns.s + ns.s %}{% endfor %}")
                                       << 2 << QStringLiteral("list result too large");
        QTest::newRow("endless output") << QByteArray("{% for i in range(100000) %}\n{{ 'x' * 1000 }}{% endfor %}")
                                        << 2 << QStringLiteral("rendered text grew past 16 MiB");
        QTest::newRow("endless recursion") << QByteArray("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}") << 1 << QStringLiteral("nested too deeply");
    }

    void runtimeErrorsNameTheLine()
    {
        QFETCH(QByteArray, source);
        QFETCH(int, line);
        QFETCH(QString, cause);
        const auto tmpl = ChatTemplate::fromSource(source.toStdString(), "inline.jinja");
        const auto e = expectError([&] { tmpl.render(oneUser(), false); });
        QCOMPARE(QString::fromStdString(e.source().file), QStringLiteral("inline.jinja"));
        QCOMPARE(int(e.source().line), line);
        QVERIFY2(QString::fromUtf8(e.what()).contains(cause), e.what());
    }

    void configWithoutTemplateIsAClearError()
    {
        const QString dir = modelDir("{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        const auto e = expectError([&] { ChatTemplate::load(dir.toStdString()); });
        QCOMPARE(QString::fromStdString(e.source().file), dir + QStringLiteral("/tokenizer_config.json"));
        QCOMPARE(QString::fromStdString(e.source().field), QStringLiteral("chat_template"));
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no chat template")), e.what());
    }

    void folderProblemsAreClearErrors()
    {
        const QString empty = modelDir(QByteArray());
        auto e = expectError([&] { ChatTemplate::load(empty.toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no chat template")), e.what());
        QCOMPARE(QString::fromStdString(e.source().file), empty);

        e = expectError([&] { ChatTemplate::load((m_tmp.path() + QStringLiteral("/does-not-exist")).toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("model folder not found")), e.what());

        const QString broken = modelDir("{\n  \"chat_template\": \"x\",\n  oops\n}");
        e = expectError([&] { ChatTemplate::load(broken.toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("invalid JSON")), e.what());
        QCOMPARE(e.source().line, 3L);

        const QString wrongType = modelDir("{\"chat_template\": 42}");
        e = expectError([&] { ChatTemplate::load(wrongType.toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("expected a string or a list")), e.what());
    }

    void namedTemplates()
    {
        const QByteArray config = R"({"chat_template": [
            {"name": "tool_use", "template": "TOOLS {{ messages | length }}"},
            {"name": "default", "template": "DEFAULT {{ messages[0].content }}"}]})";
        const QString dir = modelDir(config);
        QCOMPARE(ChatTemplate::load(dir.toStdString()).render(oneUser(), false), std::string("DEFAULT hi"));
        QCOMPARE(ChatTemplate::load(dir.toStdString(), "tool_use").render(oneUser(), false), std::string("TOOLS 1"));
        // As in transformers: given tools, "tool_use" is chosen over "default".
        const ojson tools = {{"tools", ojson::array({{{"type", "function"}}})}};
        QCOMPARE(ChatTemplate::load(dir.toStdString()).render(oneUser(), false, tools), std::string("TOOLS 1"));
        QCOMPARE(ChatTemplate::load(dir.toStdString()).render(oneUser(), false, {{"tools", nullptr}}), std::string("DEFAULT hi"));
        auto e = expectError([&] { ChatTemplate::load(dir.toStdString(), "rag"); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no chat template named 'rag' (there are: tool_use, default)")), e.what());

        const QString noDefault = modelDir(R"({"chat_template": [{"name": "tool_use", "template": "x"}]})");
        e = expectError([&] { ChatTemplate::load(noDefault.toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no chat template named 'default'")), e.what());

        const QString malformed = modelDir(R"({"chat_template": [{"name": "default"}]})");
        e = expectError([&] { ChatTemplate::load(malformed.toStdString()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("{\"name\": string, \"template\": string}")), e.what());
    }

    void jinjaFileWinsAndSpecialTokensLoad()
    {
        const QByteArray config = R"({"chat_template": "FROM CONFIG",
            "bos_token": {"content": "<s>", "lstrip": false, "normalized": false},
            "eos_token": "</s>", "pad_token": null, "unk_token": "<unk>"})";
        const QString dir = modelDir(config, "FROM FILE {{ bos_token }}|{{ eos_token }}|{{ unk_token }}|{{ pad_token is defined }}");
        const auto tmpl = ChatTemplate::load(dir.toStdString());
        QCOMPARE(tmpl.render(oneUser(), false), std::string("FROM FILE <s>|</s>|<unk>|False"));
        QCOMPARE(QString::fromStdString(tmpl.sourceName()), dir + QStringLiteral("/chat_template.jinja"));
    }

    void badMessagesAreRejected()
    {
        const auto tmpl = ChatTemplate::fromSource("{{ messages | length }}", "inline.jinja");
        auto e = expectError([&] { tmpl.render(ojson::object(), false); });
        QCOMPARE(QString::fromStdString(e.source().field), QStringLiteral("messages"));
        e = expectError([&] { tmpl.render(ojson::array({{{"role", "user"}}, "just text"}), false); });
        QCOMPARE(QString::fromStdString(e.source().field), QStringLiteral("messages[1]"));
        e = expectError([&] { tmpl.render(ojson::array({{{"content", "no role"}}}), false); });
        QCOMPARE(QString::fromStdString(e.source().field), QStringLiteral("messages[0]"));
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("\"role\"")), e.what());
        ojson deep = "bottom";
        for (int i = 0; i < 5000; ++i)
            deep = ojson::array({deep});
        e = expectError([&] { tmpl.render(ojson::array({{{"role", "user"}, {"content", deep}}}), false); });
        QCOMPARE(QString::fromStdString(e.source().field), QStringLiteral("messages"));
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("nested too deeply")), e.what());
        e = expectError([&] { tmpl.render(oneUser(), false, ojson::array()); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("extra template variables")), e.what());
    }

    void saveWritesBothPlaces()
    {
        const QString dir = modelDir(R"({"model_max_length": 512, "chat_template": "old", "eos_token": "</s>"})");
        const std::string source = "{% for m in messages %}{{ m.role }}: {{ m.content }}{{ eos_token }}\n{% endfor %}";
        rlrf::model::saveChatTemplate(dir.toStdString(), source);
        QCOMPARE(readFile(dir + QStringLiteral("/chat_template.jinja")).toStdString(), source);
        const ojson config = ojson::parse(readFile(dir + QStringLiteral("/tokenizer_config.json")).toStdString());
        QCOMPARE(config["chat_template"].get<std::string>(), source);
        QCOMPARE(config["model_max_length"].get<int>(), 512);
        QCOMPARE(config.begin().key(), std::string("model_max_length")); // key order kept
        const auto tmpl = ChatTemplate::load(dir.toStdString());
        QCOMPARE(tmpl.source(), source);
        QCOMPARE(tmpl.render(oneUser(), false), std::string("user: hi</s>\n"));

        // Without the jinja file the config alone gives the same template.
        QFile::remove(dir + QStringLiteral("/chat_template.jinja"));
        QCOMPARE(ChatTemplate::load(dir.toStdString()).source(), source);

        const QString bare = modelDir(QByteArray());
        rlrf::model::saveChatTemplate(bare.toStdString(), "x");
        QCOMPARE(ojson::parse(readFile(bare + QStringLiteral("/tokenizer_config.json")).toStdString())["chat_template"].get<std::string>(),
                 std::string("x"));

        const auto e = expectError([&] { rlrf::model::saveChatTemplate((m_tmp.path() + QStringLiteral("/nope")).toStdString(), "x"); });
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("model folder not found")), e.what());
    }
};

QTEST_GUILESS_MAIN(TestChatTemplateErrors)
#include "tst_chat_template_errors.moc"
