// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors file format: the writer's bytes against a file built by hand
// from the format description (huggingface/safetensors README: u64 little-endian
// header length, compact JSON header padded with spaces to 8 bytes, data laid out by
// descending dtype then name as the reference writer does), round trips for every
// dtype, and one case per kind of corrupt file with the message it must give.
#include "common/test_paths.h"

#include "core/error.h"
#include "model/safetensors_reader.h"
#include "model/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <QtTest/QtTest>

#include <cstring>
#include <fstream>
#include <random>

using namespace rlrf::model;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string u64le(std::uint64_t v)
{
    std::string s;
    for (int i = 0; i < 8; ++i, v >>= 8)
        s.push_back(static_cast<char>(v & 0xff));
    return s;
}

// A file with this header text (unpadded) and `dataBytes` bytes of data after it.
std::string fileWithHeader(const std::string &header, std::size_t dataBytes)
{
    return u64le(header.size()) + header + std::string(dataBytes, '\x11');
}

TensorView viewOf(const std::string &name, Dtype dtype, std::vector<std::int64_t> shape, const std::string &bytes)
{
    TensorView v;
    v.name = name;
    v.dtype = dtype;
    v.shape = std::move(shape);
    v.data = bytes.data();
    v.byteSize = bytes.size();
    return v;
}

// The file of the hand-built example: F32 "w" = [1, -2], BF16 "b" = [[1, 0.5]],
// F16 scalar "a" = 1.5. Layout order is F32, BF16, F16 (descending dtype), which
// is not the name order, so a writer sorting by name alone would fail.
const std::string kHandHeader =
    R"({"__metadata__":{"format":"pt"},)"
    R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
    R"("b":{"dtype":"BF16","shape":[1,2],"data_offsets":[8,12]},)"
    R"("a":{"dtype":"F16","shape":[],"data_offsets":[12,14]}})";
const std::string kW("\x00\x00\x80\x3f\x00\x00\x00\xc0", 8); // 1.0f, -2.0f
const std::string kB("\x80\x3f\x00\x3f", 4);                 // bf16 0x3F80 = 1.0, 0x3F00 = 0.5
const std::string kA("\x00\x3e", 2);                         // f16 0x3E00 = 1.5

std::string handBuiltFile()
{
    // 196 header bytes, padded with 4 spaces to 200 = 0xC8.
    return std::string("\xc8\x00\x00\x00\x00\x00\x00\x00", 8) + kHandHeader + "    " + kW + kB + kA;
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handBuiltExampleIsWhatTheSpecSays();
    void writerMatchesHandBuiltBytes();
    void readerReadsHandBuiltFile();
    void roundTripEachDtype_data();
    void roundTripEachDtype();
    void viewsOutliveTheFileObject();
    void corruptFilesAreNamed_data();
    void corruptFilesAreNamed();
    void gapsCanBeAllowed();
    void writerRefusesBadTensors();
    void failedWriteLeavesOldFile();

private:
    QTemporaryDir m_dir;
    std::string path(const char *name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
};

void TestSafetensors::handBuiltExampleIsWhatTheSpecSays()
{
    QCOMPARE(kHandHeader.size(), std::size_t(196));
    QCOMPARE(handBuiltFile().size(), std::size_t(8 + 200 + 14));
    QVERIFY(nlohmann::json::parse(kHandHeader).is_object());
}

void TestSafetensors::writerMatchesHandBuiltBytes()
{
    // Given in name order; the writer must reorder them.
    const std::vector<TensorView> tensors = {viewOf("a", Dtype::F16, {}, kA), viewOf("b", Dtype::BF16, {1, 2}, kB),
                                             viewOf("w", Dtype::F32, {2}, kW)};
    const std::string bytes = serializeSafetensors(tensors);
    QCOMPARE(QByteArray::fromStdString(bytes).toHex(), QByteArray::fromStdString(handBuiltFile()).toHex());
    writeSafetensorsFile(path("hand.safetensors"), tensors);
    QCOMPARE(readAll(path("hand.safetensors")), handBuiltFile());
    QVERIFY(!QFile::exists(QString::fromStdString(path("hand.safetensors.tmp"))));
}

void TestSafetensors::readerReadsHandBuiltFile()
{
    writeAll(path("read.safetensors"), handBuiltFile());
    const auto file = SafetensorsFile::open(path("read.safetensors"));
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
    QCOMPARE(file.tensors().size(), std::size_t(3));
    const auto &w = file.at("w");
    QCOMPARE(w.dtype, Dtype::F32);
    QCOMPARE(w.shape, (std::vector<std::int64_t>{2}));
    float values[2];
    std::memcpy(values, w.data, 8);
    QCOMPARE(values[0], 1.0f);
    QCOMPARE(values[1], -2.0f);
    QCOMPARE(file.at("b").shape, (std::vector<std::int64_t>{1, 2}));
    QCOMPARE(std::string(static_cast<const char *>(file.at("b").data), 4), kB);
    QCOMPARE(file.at("a").numel(), std::int64_t(1));
    QCOMPARE(file.at("a").byteSize, std::size_t(2));
    QVERIFY(file.find("missing") == nullptr);
    try {
        file.at("missing");
        QFAIL("at() of a missing tensor must throw");
    } catch (const rlrf::Error &e) {
        QCOMPARE(e.source().field, std::string("missing"));
        QCOMPARE(e.source().file, path("read.safetensors"));
    }
}

void TestSafetensors::roundTripEachDtype_data()
{
    QTest::addColumn<QString>("dtype");
    for (const char *name : {"F32", "F16", "BF16", "F64", "I64", "I32", "I8", "U8", "BOOL"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestSafetensors::roundTripEachDtype()
{
    QFETCH(QString, dtype);
    const Dtype type = *dtypeFromName(dtype.toStdString());
    std::mt19937 rng(42);
    const auto randomBytes = [&](std::size_t n) {
        std::string s(n, '\0');
        for (auto &c : s)
            c = static_cast<char>(type == Dtype::Bool ? rng() % 2 : rng() & 0xff);
        return s;
    };
    const std::string matrix = randomBytes(3 * 5 * dtypeSize(type));
    const std::string scalar = randomBytes(dtypeSize(type));
    const std::vector<TensorView> tensors = {viewOf("layers.0.weight", type, {3, 5}, matrix),
                                             viewOf("scale", type, {}, scalar), viewOf("empty", type, {0, 4}, {})};
    const std::string file = path("roundtrip.safetensors");
    writeSafetensorsFile(file, tensors, {{"format", "pt"}, {"note", "ünïcode ✓"}});
    const auto read = SafetensorsFile::open(file);
    QCOMPARE(read.metadata().at("note"), std::string("ünïcode ✓"));
    for (const auto &t : tensors) {
        const auto &r = read.at(t.name);
        QCOMPARE(r.dtype, type);
        QCOMPARE(r.shape, t.shape);
        QCOMPARE(r.byteSize, t.byteSize);
        QVERIFY(t.byteSize == 0 || std::memcmp(r.data, t.data, t.byteSize) == 0);
    }
}

void TestSafetensors::viewsOutliveTheFileObject()
{
    writeAll(path("owner.safetensors"), handBuiltFile());
    TensorView kept;
    {
        const auto file = SafetensorsFile::open(path("owner.safetensors"));
        kept = file.at("w");
    }
    QVERIFY(QFile::remove(QString::fromStdString(path("owner.safetensors"))));
    QVERIFY(kept.owner);
    QCOMPARE(std::string(static_cast<const char *>(kept.data), kept.byteSize), kW);
}

void TestSafetensors::corruptFilesAreNamed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    const auto row = [](const char *tag, const std::string &bytes, const char *field, const char *message) {
        QTest::newRow(tag) << QByteArray::fromStdString(bytes) << QString::fromLatin1(field) << QString::fromUtf8(message);
    };
    const auto t = [](const std::string &entry) { return R"({"t":)" + entry + "}"; };
    row("shorter than 8 bytes", std::string("\x05\x00\x00", 3), "", "3 bytes is too short");
    row("empty file", "", "", "0 bytes is too short");
    row("header longer than file", u64le(1000) + "{}", "", "header length 1000 exceeds the file (10 bytes)");
    row("header over the limit", u64le(200'000'000) + "{}", "", "exceeds the limit of 100000000 bytes");
    row("invalid JSON", fileWithHeader("{\"t\": [", 0), "", "header is not valid JSON");
    row("invalid UTF-8", fileWithHeader("{\"\xff\": 1}", 0), "", "header is not valid JSON");
    // A number too large for a double escaped as nlohmann's out_of_range (fuzzing found it).
    row("number out of range", fileWithHeader("{\"t\": {\"dtype\": \"F32\", \"shape\": [1e99999], \"data_offsets\": [0, 4]}}", 4), "",
        "header is not valid JSON");
    row("not an object", fileWithHeader("[1, 2]", 0), "", "header does not start with '{'");
    row("leading space", fileWithHeader(" {}", 0), "", "header does not start with '{'");
    row("empty header", fileWithHeader("", 0), "", "header does not start with '{'");
    row("entry not an object", fileWithHeader(t("[0, 4]"), 4), "t", "tensor entry is not an object");
    row("unknown dtype", fileWithHeader(t(R"({"dtype":"F12","shape":[1],"data_offsets":[0,4]})"), 4), "t",
        "unknown dtype \"F12\"");
    row("dtype not a string", fileWithHeader(t(R"({"dtype":4,"shape":[1],"data_offsets":[0,4]})"), 4), "t",
        "unknown dtype 4");
    row("shape not a list", fileWithHeader(t(R"({"dtype":"F32","shape":4,"data_offsets":[0,16]})"), 16), "t",
        "shape is not a list of non-negative integers: 4");
    row("negative dimension", fileWithHeader(t(R"({"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]})"), 8), "t",
        "shape is not a list of non-negative integers: [-1,2]");
    row("fractional dimension", fileWithHeader(t(R"({"dtype":"F32","shape":[1.5],"data_offsets":[0,4]})"), 4), "t",
        "shape is not a list");
    row("offsets not a pair", fileWithHeader(t(R"({"dtype":"F32","shape":[1],"data_offsets":[0]})"), 4), "t",
        "data_offsets is not [begin, end]");
    row("negative offset", fileWithHeader(t(R"({"dtype":"F32","shape":[1],"data_offsets":[-4,0]})"), 4), "t",
        "data_offsets is not [begin, end]");
    row("begin after end", fileWithHeader(t(R"({"dtype":"F32","shape":[1],"data_offsets":[8,4]})"), 8), "t",
        "begin 8 is after end 4");
    row("offsets beyond data", fileWithHeader(t(R"({"dtype":"F32","shape":[16],"data_offsets":[0,64]})"), 16), "t",
        "data_offsets [0, 64] lie outside the data section of 16 bytes");
    row("byte size mismatch", fileWithHeader(t(R"({"dtype":"F32","shape":[2,2],"data_offsets":[0,12]})"), 12), "t",
        "byte size 12 does not match shape [2,2] of F32 (16 bytes)");
    row("shape overflows", fileWithHeader(t(R"({"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]})"), 8),
        "t", "overflows");
    row("missing key", fileWithHeader(t(R"({"dtype":"F32","shape":[1]})"), 4), "t", "lacks 'data_offsets'");
    row("unexpected key", fileWithHeader(t(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1})"), 4), "t",
        "unexpected key 'x'");
    row("overlap", fileWithHeader(R"({"p":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                  R"("q":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
        "q", "data overlaps tensor 'p' (bytes 4 to 8)");
    row("gap", fileWithHeader(t(R"({"dtype":"F32","shape":[2],"data_offsets":[8,16]})"), 16), "t",
        "8 unused bytes before this tensor's data");
    row("trailing bytes", fileWithHeader(t(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})"), 12), "",
        "8 bytes of data after the last tensor");
    row("duplicate name", fileWithHeader(R"({"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                         R"("t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", 2),
        "t", "tensor name appears twice");
    row("metadata not strings", fileWithHeader(R"({"__metadata__":{"format":1}})", 0), "__metadata__.format",
        "not a string");
}

void TestSafetensors::corruptFilesAreNamed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, field);
    QFETCH(QString, message);
    const std::string file = path("corrupt.safetensors");
    writeAll(file, bytes.toStdString());
    try {
        SafetensorsFile::open(file);
        QFAIL("a corrupt file was accepted");
    } catch (const rlrf::Error &e) {
        const QString what = QString::fromStdString(e.what());
        QCOMPARE(QString::fromStdString(e.source().file), QString::fromStdString(file));
        QCOMPARE(QString::fromStdString(e.source().field), field);
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestSafetensors::gapsCanBeAllowed()
{
    const std::string file = path("gap.safetensors");
    writeAll(file, fileWithHeader(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 12));
    SafetensorsReadOptions options;
    options.allowGaps = true;
    const auto read = SafetensorsFile::open(file, options);
    QCOMPARE(read.at("t").byteSize, std::size_t(4));
}

void TestSafetensors::writerRefusesBadTensors()
{
    const std::string four(4, '\0');
    const auto expectRefusal = [&](const std::vector<TensorView> &tensors, const std::string &field, const char *message) {
        try {
            writeSafetensorsFile(path("refused.safetensors"), tensors);
            QFAIL("bad tensors were written");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().field, field);
            QCOMPARE(e.source().file, path("refused.safetensors"));
            QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path("refused.safetensors"))));
    };
    expectRefusal({viewOf("x", Dtype::F32, {2}, four)}, "x", "byte size 4 does not match shape and dtype (8 bytes)");
    expectRefusal({viewOf("x", Dtype::U8, {4}, four), viewOf("x", Dtype::U8, {4}, four)}, "x", "given twice");
    expectRefusal({viewOf("", Dtype::U8, {4}, four)}, "", "invalid tensor name");
    expectRefusal({viewOf("__metadata__", Dtype::U8, {4}, four)}, "__metadata__", "invalid tensor name");
    expectRefusal({viewOf("n", Dtype::U8, {-4}, four)}, "n", "negative dimension");
    auto noData = viewOf("d", Dtype::U8, {4}, four);
    noData.data = nullptr;
    expectRefusal({noData}, "d", "no data");
}

void TestSafetensors::failedWriteLeavesOldFile()
{
    const std::string target = path("keep.safetensors");
    writeAll(target, handBuiltFile());
    const std::string four(4, '\0');
    QVERIFY_THROWS_EXCEPTION(rlrf::Error, writeSafetensorsFile(target, {viewOf("x", Dtype::F32, {2}, four)}));
    QCOMPARE(readAll(target), handBuiltFile());
    // A folder that does not exist: nothing is created, the error names the file.
    QVERIFY_THROWS_EXCEPTION(rlrf::Error, writeSafetensorsFile(path("no/such/dir/x.safetensors"), {}));
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
