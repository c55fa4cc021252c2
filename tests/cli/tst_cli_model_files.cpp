// SPDX-License-Identifier: GPL-3.0-or-later
// `rlrf model tensors` and `rlrf model config` run as users run them: JSON on
// stdout, exit 1 with a message naming the file for bad input, exit 2 for usage.
// Model folders are written here with the backend writer; configs come from
// tests/fixtures/model_configs (published Hugging Face configs, see the README).
#include "common/cli_runner.h"
#include "common/test_paths.h"

#include "model/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <fstream>

using rlrf::test::runCli;

class TestCliModelFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tensorsOfAShardedFolder()
    {
        const std::string a(40, '\1'), b(6, '\2');
        rlrf::model::TensorView va{"model.norm.weight", rlrf::model::Dtype::F32, {10}, a.data(), a.size(), {}};
        rlrf::model::TensorView vb{"lm_head.weight", rlrf::model::Dtype::BF16, {1, 3}, b.data(), b.size(), {}};
        rlrf::model::SafetensorsWriteOptions options;
        options.maxShardBytes = 40;
        const QString dir = m_dir.filePath(QStringLiteral("model"));
        rlrf::model::saveSafetensorsCheckpoint(dir.toStdString(), {va, vb}, options);

        const auto r = runCli({QStringLiteral("model"), QStringLiteral("tensors"), dir});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const auto first = nlohmann::json::parse(lines[0].toStdString());
        QCOMPARE(first["name"].get<std::string>(), std::string("lm_head.weight"));
        QCOMPARE(first["dtype"].get<std::string>(), std::string("BF16"));
        QCOMPARE(first["shape"], nlohmann::json({1, 3}));
        QCOMPARE(first["bytes"].get<int>(), 6);
        QCOMPARE(first["file"].get<std::string>(), std::string("model-00002-of-00002.safetensors"));
        QCOMPARE(nlohmann::json::parse(lines[1].toStdString())["file"].get<std::string>(),
                 std::string("model-00001-of-00002.safetensors"));
        QVERIFY2(r.err.contains("2 tensors, 46 bytes"), r.err.constData());
    }

    void pickleFolderIsRefused()
    {
        const QString dir = m_dir.filePath(QStringLiteral("pickle"));
        QVERIFY(QDir().mkpath(dir));
        std::ofstream(QDir(dir).filePath(QStringLiteral("pytorch_model.bin")).toStdString()) << "PK";
        const auto r = runCli({QStringLiteral("model"), QStringLiteral("tensors"), dir});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("pytorch_model.bin: pickle checkpoints are refused"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void configOfAPublishedModel()
    {
        const QString file = rlrf::test::sourceDir() + QStringLiteral("/tests/fixtures/model_configs/qwen2.5-0.5b.json");
        const auto r = runCli({QStringLiteral("model"), QStringLiteral("config"), file});
        QCOMPARE(r.exitCode, 0);
        const auto config = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(config["model_type"].get<std::string>(), std::string("qwen2"));
        QCOMPARE(config["head_dim"].get<int>(), 64); // 896 / 14, filled in
        QCOMPARE(config["num_key_value_heads"].get<int>(), 2);
    }

    void unsupportedConfigNamesTheKey()
    {
        const QString dir = m_dir.filePath(QStringLiteral("gpt2"));
        QVERIFY(QDir().mkpath(dir));
        std::ofstream(QDir(dir).filePath(QStringLiteral("config.json")).toStdString())
            << R"({"model_type": "gpt2", "vocab_size": 50257})";
        const auto r = runCli({QStringLiteral("model"), QStringLiteral("config"), dir});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("config.json: 'model_type': unsupported model 'gpt2'"), r.err.constData());
    }

    void missingPathIsAUsageError()
    {
        const auto r = runCli({QStringLiteral("model"), QStringLiteral("tensors")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("usage: rlrf model tensors PATH"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliModelFiles)
#include "tst_cli_model_files.moc"
