// TextModel on a real model folder (stories260K converted here) given a chat
// template: prompts through the template, stop strings, saving with the template in
// both places, and a local model as the language-model judge — whose answers a
// 260K-parameter story model cannot put in the judge format, so every critique must
// come back as a counted, recorded parse failure and never as a score.
#include "common/stories_fixture.h"
#include "common/test_rubrics.h"

#include "core/error.h"
#include "feedback/lm_judge.h"
#include "feedback/local_chat_model.h"
#include "model/text_model.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace rlrf::model;

namespace {

// A small template in the style of Llama 2's [INST] markers, using the model's own
// special tokens.
const char *kTemplate = "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}[INST] {{ m.content }} [/INST]"
                        "{% else %}{{ m.content }}{{ eos_token }}{% endif %}{% endfor %}";

std::string readAll(const std::filesystem::path &p)
{
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

class TestTextModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_folder = rlrf::test::convertStories260K(m_dir.filePath(QStringLiteral("stories260K")));
        saveChatTemplate(m_folder, kTemplate);
    }

    void chatPromptsGoThroughTheTemplate()
    {
        const TextModel model = TextModel::load(m_folder);
        QVERIFY(model.hasChatTemplate());
        const auto ids = model.promptIds("Tell me a story", true);
        QCOMPARE(ids.front(), std::int64_t(1)); // the template's bos_token, encoded as the BOS id
        QCOMPARE(model.decode(ids, false), std::string("<s>[INST] Tell me a story [/INST]"));
        const auto plain = model.promptIds("", false);
        QCOMPARE(plain, std::vector<std::int64_t>{1});
        QCOMPARE(model.stopIds(), std::vector<std::int64_t>{2});
        QCOMPARE(model.endOfTextId(), std::int64_t(2)); // what SFT and DPO end completions with
    }

    void stopStringsCutTheText()
    {
        const TextModel model = TextModel::load(m_folder);
        GenerationOptions options;
        options.maxNewTokens = 60;
        options.sampling.temperature = 0.0;
        options.stopStrings = {"Lily"};
        const auto samples = model.generate({model.promptIds("", false)}, options);
        QCOMPARE(samples.size(), size_t(1));
        // llama2.c's greedy story begins "Once upon a time, there was a little girl named Lily."
        QCOMPARE(samples[0].text, std::string("Once upon a time, there was a little girl named "));
        QCOMPARE(samples[0].reason, FinishReason::StopString);
    }

    void saveWritesTheTemplateBothWays()
    {
        const TextModel model = TextModel::load(m_folder);
        const std::filesystem::path out = m_dir.filePath(QStringLiteral("saved")).toStdString();
        model.save(out.string());
        QCOMPARE(readAll(out / "chat_template.jinja"), std::string(kTemplate));
        const auto config = nlohmann::json::parse(readAll(out / "tokenizer_config.json"));
        QCOMPARE(config["chat_template"].get<std::string>(), std::string(kTemplate));
        const TextModel again = TextModel::load(out.string());
        QCOMPARE(again.promptIds("hi", true), model.promptIds("hi", true));
    }

    void localJudgeRecordsParseFailures()
    {
        rlrf::feedback::LocalChatOptions options;
        options.maxNewTokens = 8;
        auto chat = std::make_shared<rlrf::feedback::LocalChatModel>(TextModel::load(m_folder), options);
        rlrf::feedback::LanguageModelJudge judge(chat);
        QCOMPARE(judge.id(), "model:" + m_folder);
        const std::vector<rlrf::feedback::JudgeRequest> requests(2, {"What is 2 + 3?", "2 + 3 = 5\nAnswer: 5", {}});
        const auto critiques = judge.judgeBatch(requests, rlrf::test::eightAspectRubric(), rlrf::RunContext{});
        QCOMPARE(critiques.size(), size_t(2));
        for (const auto &c : critiques) {
            QCOMPARE(int(c.parseStatus), int(rlrf::feedback::ParseStatus::Failed));
            QVERIFY(c.aspects.empty());
            QVERIFY(!c.parseError.empty());
            QVERIFY(c.rawOutput.find("----- retry -----") != std::string::npos);
        }
        QCOMPARE(judge.parseRetries(), 2);
        QCOMPARE(judge.parseFailures(), 2);
    }

    void modelWithoutTokenizerIsRefused()
    {
        const std::filesystem::path bare = m_dir.filePath(QStringLiteral("bare")).toStdString();
        std::filesystem::create_directories(bare);
        for (const char *f : {"config.json", "model.safetensors"})
            std::filesystem::copy_file(std::filesystem::path(m_folder) / f, bare / f);
        try {
            TextModel::load(bare.string());
            QFAIL("must throw");
        } catch (const rlrf::Error &e) {
            QVERIFY2(std::string(e.what()).find("no tokenizer.json") != std::string::npos, e.what());
        }
    }

    // A tokenizer with more ids than the embedding has rows would index past it.
    void tokenizerLargerThanTheVocabularyIsRefused()
    {
        const auto folder = editedCopy("big-tokenizer", [](nlohmann::json &, nlohmann::json &tokenizer, nlohmann::json &) {
            tokenizer["added_tokens"].push_back({{"id", 600}, {"content", "<extra_600>"}, {"single_word", false},
                                                 {"lstrip", false}, {"rstrip", false}, {"normalized", false},
                                                 {"special", true}});
        });
        try {
            TextModel::load(folder);
            QFAIL("a tokenizer of 601 tokens was accepted for a vocabulary of 512");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()),
                     folder + "/tokenizer.json: tokenizer has 601 tokens but the model's vocabulary is only 512");
        }
        QVERIFY(TextModel::load(m_folder).tokenizer().vocabSize() == 512); // the original is untouched
    }

    // Without BOS anywhere (config.json, tokenizer_config.json, the post-processor)
    // an empty prompt has no token to start from; a non-empty one still works.
    void emptyPromptWithoutBosIsNamed()
    {
        const auto folder = editedCopy("no-bos", [](nlohmann::json &config, nlohmann::json &tokenizer,
                                                    nlohmann::json &tokenizerConfig) {
            config.erase("bos_token_id");
            tokenizerConfig.erase("bos_token");
            tokenizer["post_processor"] = nullptr;
        });
        const TextModel model = TextModel::load(folder);
        try {
            model.promptIds("", false);
            QFAIL("an empty prompt without BOS was accepted");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()), folder + ": an empty prompt needs a BOS token, and this model has none");
        }
        const auto ids = model.promptIds("Once upon a time", false);
        QVERIFY(!ids.empty());
        QVERIFY(ids.front() != 1); // no BOS was added
    }

    // Training ends every completion with EOS; a model without one says so.
    void modelWithoutEosIsNamed()
    {
        const auto folder = editedCopy("no-eos", [](nlohmann::json &config, nlohmann::json &, nlohmann::json &tokenizerConfig) {
            config.erase("eos_token_id");
            tokenizerConfig.erase("eos_token");
        });
        const TextModel model = TextModel::load(folder);
        QVERIFY(model.stopIds().empty());
        try {
            model.endOfTextId();
            QFAIL("a model without EOS gave an end-of-text id");
        } catch (const rlrf::Error &e) {
            QCOMPARE(std::string(e.what()), folder + ": 'eos_token_id': the model has no EOS token to end completions with");
        }
    }

private:
    // A copy of the converted model without its chat template, whose config.json,
    // tokenizer.json and tokenizer_config.json `edit` changes.
    std::string editedCopy(const char *name,
                           const std::function<void(nlohmann::json &, nlohmann::json &, nlohmann::json &)> &edit)
    {
        namespace fs = std::filesystem;
        const fs::path folder = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        fs::create_directories(folder);
        fs::copy_file(fs::path(m_folder) / "model.safetensors", folder / "model.safetensors");
        auto config = nlohmann::json::parse(readAll(fs::path(m_folder) / "config.json"));
        auto tokenizer = nlohmann::json::parse(readAll(fs::path(m_folder) / "tokenizer.json"));
        auto tokenizerConfig = nlohmann::json::parse(readAll(fs::path(m_folder) / "tokenizer_config.json"));
        tokenizerConfig.erase("chat_template");
        edit(config, tokenizer, tokenizerConfig);
        std::ofstream(folder / "config.json") << config.dump(2);
        std::ofstream(folder / "tokenizer.json") << tokenizer.dump(2);
        std::ofstream(folder / "tokenizer_config.json") << tokenizerConfig.dump(2);
        return folder.string();
    }

    QTemporaryDir m_dir;
    std::string m_folder;
};

QTEST_GUILESS_MAIN(TestTextModel)
#include "tst_text_model.moc"
