// SPDX-License-Identifier: GPL-3.0-or-later
// Model folders: sharded saving with a transformers-style index
// (model-0000i-of-0000N.safetensors + model.safetensors.index.json with
// metadata.total_size and a sorted weight_map), loading single files and shards,
// the errors for broken indexes, and the refusal of pickle checkpoints.
#include "core/error.h"
#include "core/json_io.h"
#include "model/safetensors_checkpoint.h"
#include "model/safetensors_writer.h"

#include <QtTest/QtTest>

#include <cstring>
#include <fstream>

using namespace rlrf::model;

namespace {

void writeAll(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Owns the bytes of a small model: tensors of 400, 240, 160, 40 and 24 bytes.
struct SmallModel {
    std::vector<std::string> bytes;
    std::vector<TensorView> views;

    SmallModel()
    {
        add("model.embed_tokens.weight", Dtype::BF16, {10, 20});
        add("model.layers.0.self_attn.q_proj.weight", Dtype::F32, {6, 10});
        add("model.layers.0.mlp.up_proj.weight", Dtype::F16, {8, 10});
        add("model.norm.weight", Dtype::F32, {10});
        add("lm_head.bias", Dtype::I64, {3});
    }
    void add(const std::string &name, Dtype dtype, std::vector<std::int64_t> shape)
    {
        TensorView v;
        v.name = name;
        v.dtype = dtype;
        v.shape = std::move(shape);
        v.byteSize = static_cast<std::size_t>(v.numel()) * dtypeSize(dtype);
        std::string data(v.byteSize, '\0');
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<char>((i * 31 + bytes.size() * 7) & 0xff);
        bytes.push_back(std::move(data));
        views.push_back(v);
    }
    void bind()
    {
        for (std::size_t i = 0; i < views.size(); ++i)
            views[i].data = bytes[i].data();
    }
};

void expectError(const std::function<void()> &action, const std::string &file, const std::string &field,
                 const std::vector<std::string> &parts)
{
    try {
        action();
        QFAIL("no error");
    } catch (const rlrf::Error &e) {
        const std::string what = e.what();
        QVERIFY2(e.source().file == file, (what + " (expected file " + file + ")").c_str());
        QVERIFY2(e.source().field == field, (what + " (expected field " + field + ")").c_str());
        for (const auto &p : parts)
            QVERIFY2(what.find(p) != std::string::npos, (what + " (expected to contain: " + p + ")").c_str());
    }
}

} // namespace

class TestSafetensorsCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { m_model = SmallModel(); m_model.bind(); }
    void singleFileWhenItFits();
    void shardedRoundTrip();
    void largeTensorGetsItsOwnShard();
    void resavingRemovesStaleShards();
    void brokenIndexesAreNamed();
    void folderWithoutWeights();
    void pickleCheckpointsAreRefused();

private:
    QTemporaryDir m_dir;
    SmallModel m_model;
    std::string folder(const char *name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
    void expectSameTensors(const SafetensorsCheckpoint &checkpoint) const;
};

void TestSafetensorsCheckpoint::expectSameTensors(const SafetensorsCheckpoint &checkpoint) const
{
    QCOMPARE(checkpoint.names().size(), m_model.views.size());
    for (std::size_t i = 0; i < m_model.views.size(); ++i) {
        const TensorView &read = checkpoint.at(m_model.views[i].name);
        QCOMPARE(read.dtype, m_model.views[i].dtype);
        QCOMPARE(read.shape, m_model.views[i].shape);
        QCOMPARE(std::string(static_cast<const char *>(read.data), read.byteSize), m_model.bytes[i]);
    }
}

void TestSafetensorsCheckpoint::singleFileWhenItFits()
{
    const auto result = saveSafetensorsCheckpoint(folder("single"), m_model.views);
    QCOMPARE(result.files, std::vector<std::string>{folder("single") + "/model.safetensors"});
    QVERIFY(result.indexFile.empty());
    QCOMPARE(result.totalTensorBytes, std::uint64_t(400 + 240 + 160 + 40 + 24));
    const auto checkpoint = SafetensorsCheckpoint::open(folder("single"));
    expectSameTensors(checkpoint);
    QCOMPARE(checkpoint.shards().size(), std::size_t(1));
    QCOMPARE(checkpoint.shards()[0].metadata().at("format"), std::string("pt"));
    // A path to the file itself opens the same tensors.
    expectSameTensors(SafetensorsCheckpoint::open(result.files[0]));
}

void TestSafetensorsCheckpoint::shardedRoundTrip()
{
    SafetensorsWriteOptions options;
    options.maxShardBytes = 420; // 400 | 240+160 | 40+24 in input order
    const auto result = saveSafetensorsCheckpoint(folder("sharded"), m_model.views, options);
    const std::string dir = folder("sharded");
    QCOMPARE(result.files, (std::vector<std::string>{dir + "/model-00001-of-00003.safetensors",
                                                     dir + "/model-00002-of-00003.safetensors",
                                                     dir + "/model-00003-of-00003.safetensors"}));
    QCOMPARE(result.indexFile, dir + "/model.safetensors.index.json");
    QVERIFY(!QFile::exists(QString::fromStdString(dir + "/model.safetensors")));

    const auto index = rlrf::json::readFile(result.indexFile);
    QCOMPARE(index["metadata"]["total_size"].get<std::uint64_t>(), std::uint64_t(864));
    const nlohmann::json expectedMap = {
        {"model.embed_tokens.weight", "model-00001-of-00003.safetensors"},
        {"model.layers.0.self_attn.q_proj.weight", "model-00002-of-00003.safetensors"},
        {"model.layers.0.mlp.up_proj.weight", "model-00002-of-00003.safetensors"},
        {"model.norm.weight", "model-00003-of-00003.safetensors"},
        {"lm_head.bias", "model-00003-of-00003.safetensors"}};
    QCOMPARE(index["weight_map"], expectedMap);
    // transformers writes json.dumps(index, indent=2, sort_keys=True) + "\n".
    const std::string text = rlrf::json::readTextFile(result.indexFile);
    QVERIFY(text.rfind("{\n  \"metadata\": {\n    \"total_size\": 864\n  },\n  \"weight_map\": {\n"
                       "    \"lm_head.bias\": \"model-00003-of-00003.safetensors\",\n", 0) == 0);
    QVERIFY(text.back() == '\n');

    const auto checkpoint = SafetensorsCheckpoint::open(dir);
    expectSameTensors(checkpoint);
    QCOMPARE(checkpoint.shards().size(), std::size_t(3));
    QCOMPARE(checkpoint.fileOf("model.norm.weight"), dir + "/model-00003-of-00003.safetensors");
    QCOMPARE(checkpoint.totalTensorBytes(), std::uint64_t(864));
    QVERIFY(checkpoint.find("nope") == nullptr);
    expectError([&] { checkpoint.at("nope"); }, dir, "nope", {"no such tensor"});
    // Copies share the mappings and stay valid when the original is gone.
    std::optional<SafetensorsCheckpoint> original = SafetensorsCheckpoint::open(dir);
    const SafetensorsCheckpoint copy = *original;
    original.reset();
    expectSameTensors(copy);
    // Opening the index file directly is the same as opening the folder.
    expectSameTensors(SafetensorsCheckpoint::open(result.indexFile));
}

void TestSafetensorsCheckpoint::largeTensorGetsItsOwnShard()
{
    SafetensorsWriteOptions options;
    options.maxShardBytes = 100; // every tensor but the last two exceeds it alone
    const auto result = saveSafetensorsCheckpoint(folder("tiny-shards"), m_model.views, options);
    QCOMPARE(result.files.size(), std::size_t(4)); // 400 | 240 | 160 | 40+24
    expectSameTensors(SafetensorsCheckpoint::open(folder("tiny-shards")));

    // A tensor over the limit becomes a shard at once while the shard being filled
    // stays open (huggingface_hub's rule): norm (40), embed (400), bias (24) with a
    // 300-byte limit give [embed], [norm, bias].
    options.maxShardBytes = 300;
    std::vector<TensorView> reordered = {m_model.views[3], m_model.views[0], m_model.views[4]};
    const auto mixed = saveSafetensorsCheckpoint(folder("mixed-shards"), reordered, options);
    QCOMPARE(mixed.files.size(), std::size_t(2)); // [embed 400] then [norm 40 + bias 24]
    const auto index = rlrf::json::readFile(mixed.indexFile);
    QCOMPARE(index["weight_map"]["model.embed_tokens.weight"].get<std::string>(),
             std::string("model-00001-of-00002.safetensors"));
    QCOMPARE(index["weight_map"]["model.norm.weight"].get<std::string>(), std::string("model-00002-of-00002.safetensors"));
    QCOMPARE(index["weight_map"]["lm_head.bias"].get<std::string>(), std::string("model-00002-of-00002.safetensors"));
}

void TestSafetensorsCheckpoint::resavingRemovesStaleShards()
{
    const std::string dir = folder("resave");
    SafetensorsWriteOptions options;
    options.maxShardBytes = 420;
    saveSafetensorsCheckpoint(dir, m_model.views, options);
    writeAll(dir + "/config.json", "{}");
    saveSafetensorsCheckpoint(dir, m_model.views);
    const QStringList left = QDir(QString::fromStdString(dir)).entryList(QDir::Files, QDir::Name);
    QCOMPARE(left, (QStringList{QStringLiteral("config.json"), QStringLiteral("model.safetensors")}));
    options.maxShardBytes = 100;
    saveSafetensorsCheckpoint(dir, m_model.views, options);
    QCOMPARE(QDir(QString::fromStdString(dir)).entryList(QDir::Files).size(), 6); // 4 shards, index, config
    expectSameTensors(SafetensorsCheckpoint::open(dir));

    // Saving the views of the open checkpoint over its own files: the new files
    // replace the old by rename, so the mapped old ones stay readable meanwhile.
    const auto open = SafetensorsCheckpoint::open(dir);
    std::vector<TensorView> views;
    for (const auto &view : m_model.views)
        views.push_back(open.at(view.name));
    saveSafetensorsCheckpoint(dir, views);
    expectSameTensors(SafetensorsCheckpoint::open(dir));
    expectSameTensors(open);
}

void TestSafetensorsCheckpoint::brokenIndexesAreNamed()
{
    const std::string dir = folder("broken");
    SafetensorsWriteOptions options;
    options.maxShardBytes = 420;
    saveSafetensorsCheckpoint(dir, m_model.views, options);
    const std::string indexPath = dir + "/model.safetensors.index.json";
    const nlohmann::json good = rlrf::json::readFile(indexPath);
    const auto withIndex = [&](const nlohmann::json &index) { rlrf::json::writeFileAtomically(indexPath, index.dump(2)); };

    auto index = good;
    index["weight_map"]["model.norm.weight"] = "model-00009-of-00009.safetensors";
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "model.norm.weight",
                {"shard file " + dir + "/model-00009-of-00009.safetensors", "does not exist"});

    index = good;
    index["weight_map"]["model.layers.1.mlp.up_proj.weight"] = "model-00002-of-00003.safetensors";
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "model.layers.1.mlp.up_proj.weight",
                {"missing from its shard " + dir + "/model-00002-of-00003.safetensors"});

    index = good;
    index["weight_map"].erase("lm_head.bias");
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir + "/model-00003-of-00003.safetensors", "lm_head.bias",
                {"not in the index's weight_map"});

    index = good;
    index["weight_map"]["lm_head.bias"] = "model-00001-of-00003.safetensors";
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir + "/model-00003-of-00003.safetensors", "lm_head.bias",
                {"the weight_map puts it in model-00001-of-00003.safetensors"});

    index = good;
    index["weight_map"]["lm_head.bias"] = "../elsewhere.safetensors";
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "lm_head.bias", {"outside the folder"});

    index = good;
    index["weight_map"]["lm_head.bias"] = 3;
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "lm_head.bias",
                {"weight_map value is not a file name: 3"});

    index = good;
    index["weight_map"] = nlohmann::json::object();
    withIndex(index);
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "weight_map", {"weight_map is empty"});

    // total_size is checked once the shards are read: a wrong number is only a
    // warning (published indexes are sometimes off), a non-number is an error.
    for (const nlohmann::json &total : {nlohmann::json(-1), nlohmann::json("864"), nlohmann::json(864.5)}) {
        index = good;
        index["metadata"]["total_size"] = total;
        withIndex(index);
        expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "metadata.total_size",
                    {"metadata.total_size is not a non-negative integer: " + total.dump()});
    }
    index = good;
    index["metadata"]["total_size"] = 865;
    withIndex(index);
    QCOMPARE(SafetensorsCheckpoint::open(dir).totalTensorBytes(), std::uint64_t(864));

    withIndex({{"metadata", {{"total_size", 864}}}});
    expectError([&] { SafetensorsCheckpoint::open(dir); }, indexPath, "weight_map", {"no \"weight_map\" object"});

    rlrf::json::writeFileAtomically(indexPath, "{\"weight_map\": {\n\"a\": }");
    try {
        SafetensorsCheckpoint::open(dir);
        QFAIL("invalid index JSON was accepted");
    } catch (const rlrf::Error &e) {
        QCOMPARE(e.source().file, indexPath);
        QCOMPARE(e.source().line, 2L);
    }

    // A corrupt shard is reported by the shard reader, naming the shard.
    withIndex(good);
    writeAll(dir + "/model-00002-of-00003.safetensors", "tiny");
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir + "/model-00002-of-00003.safetensors", "",
                {"too short"});
}

void TestSafetensorsCheckpoint::folderWithoutWeights()
{
    const std::string dir = folder("empty-model");
    QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
    writeAll(dir + "/config.json", "{}");
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir, "",
                {"no model.safetensors or model.safetensors.index.json in the folder"});
    writeSafetensorsFile(dir + "/adapter_model.safetensors", {m_model.views[3]});
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir, "", {"adapter_model.safetensors"});
    expectError([&] { SafetensorsCheckpoint::open(dir + "/missing"); }, dir + "/missing", "", {"no such file or folder"});
}

void TestSafetensorsCheckpoint::pickleCheckpointsAreRefused()
{
    const std::vector<std::string> reasons = {"pickle checkpoints are refused", "arbitrary code",
                                              "save_pretrained(OUT, safe_serialization=True)",
                                              "safetensors.torch.save_file"};
    const std::string dir = folder("pickle-model");
    QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
    writeAll(dir + "/config.json", "{}");
    writeAll(dir + "/pytorch_model.bin", std::string("PK\x03\x04", 4) + "archive");
    expectError([&] { SafetensorsCheckpoint::open(dir); }, dir + "/pytorch_model.bin", "", reasons);
    expectError([&] { SafetensorsCheckpoint::open(dir + "/pytorch_model.bin"); }, dir + "/pytorch_model.bin", "", reasons);

    for (const char *name : {"model.pt", "weights.pth", "last.ckpt", "pytorch_model.bin.index.json"}) {
        const std::string file = dir + "/" + name;
        writeAll(file, "\x80\x02}q");
        expectError([&] { SafetensorsCheckpoint::open(file); }, file, "", reasons);
    }
    // A pickle under another name is recognised by its first bytes.
    const std::string disguised = dir + "/weights";
    writeAll(disguised, std::string("PK\x03\x04", 4) + "archive");
    expectError([&] { SafetensorsCheckpoint::open(disguised); }, disguised, "", reasons);
    QVERIFY(looksLikePickleCheckpoint("x/PYTORCH_MODEL.BIN"));
    QVERIFY(!looksLikePickleCheckpoint("x/model.safetensors"));
}

QTEST_GUILESS_MAIN(TestSafetensorsCheckpoint)
#include "tst_safetensors_checkpoint.moc"
