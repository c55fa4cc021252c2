// Backend smoke test: the runtime is set up as the product promises (threads, BLAS,
// versions), tensors compute, errors name their source, logging reaches sinks.
#include <torch/torch.h>

#include "core/error.h"
#include "core/jsonl_reader.h"
#include "core/logging.h"
#include "core/runtime_info.h"
#include "core/thread_choice.h"

#include <spdlog/sinks/ostream_sink.h>

#include <QtTest/QtTest>

#include <sstream>
#include <thread>

class TestBackendSmoke : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { rlrf::log::init(); }

    // The cores idle at start by default (one to all), RLRF_THREADS when set, an
    // explicit count above both, whatever the caller's environment (restored at
    // the end).
    void threadsAreTheIdleCoresUnlessSet()
    {
        const QByteArray callerThreads = qgetenv("RLRF_THREADS");
        qunsetenv("RLRF_THREADS");
        rlrf::initTorchRuntime();
        const int cores = rlrf::usableCores();
        QVERIFY(rlrf::runtimeInfo().threads >= 1 && rlrf::runtimeInfo().threads <= cores);
        QVERIFY(cores == 1 || rlrf::runtimeInfo().threadsReason.find("idle at start") != std::string::npos);
        // Side-by-side jobs take every usable core, however busy the machine.
        QCOMPARE(rlrf::sideBySideJobs(), cores);
        rlrf::initTorchRuntime(3);
        QCOMPARE(rlrf::runtimeInfo().threads, 3);
        QCOMPARE(rlrf::sideBySideJobs(), 3);
        qputenv("RLRF_THREADS", "1");
        rlrf::initTorchRuntime();
        QCOMPARE(rlrf::runtimeInfo().threads, 1);
        QCOMPARE(rlrf::sideBySideJobs(), 1);
        if (callerThreads.isNull())
            qunsetenv("RLRF_THREADS");
        else
            qputenv("RLRF_THREADS", callerThreads);
        rlrf::initTorchRuntime();
    }

    // The arithmetic on /proc/stat's "cpu" line: idle and iowait over all time,
    // times the cores; readings that do not parse give a negative answer.
    void idleCoresFromProcStat()
    {
        const std::string before = "cpu  1000 0 500 8000 500 0 0 0 0 0";
        // 100 ticks of user, 0 idle: a busy machine.
        QCOMPARE(rlrf::idleCoresBetween(before, "cpu  1100 0 500 8000 500 0 0 0 0 0", 2), 0.0);
        // 200 ticks, 100 of them idle, 2 cores: one core idle.
        QCOMPARE(rlrf::idleCoresBetween(before, "cpu  1080 0 520 8090 510 0 0 0 0 0", 2), 1.0);
        // All idle: every core.
        QCOMPARE(rlrf::idleCoresBetween(before, "cpu  1000 0 500 8400 500 0 0 0 0 0", 4), 4.0);
        QVERIFY(rlrf::idleCoresBetween(before, before, 2) < 0);          // no time passed
        QVERIFY(rlrf::idleCoresBetween("intr 1 2 3", before, 2) < 0);   // not the cpu line
        QVERIFY(rlrf::idleCoresBetween(before, "cpu 1 2", 2) < 0);      // too short
        const auto choice = rlrf::chooseThreads(0, std::chrono::milliseconds(20));
        QVERIFY(choice.threads >= 1 && choice.threads <= choice.cores);
    }

    void runtimeFactsArePresent()
    {
        const auto info = rlrf::runtimeInfo();
        QVERIFY(!info.appVersion.empty());
        QVERIFY(info.torchVersion.rfind("1.", 0) == 0 || info.torchVersion.rfind("2.", 0) == 0);
        QVERIFY2(!info.blasIsReference, info.blas.c_str());
        QVERIFY(!info.sqliteVersion.empty());
        const std::string text = rlrf::formatRuntimeInfo(info);
        QVERIFY(text.find("LibTorch: " + info.torchVersion) != std::string::npos);
    }

    void matrixProductIsRight()
    {
        // A product large enough to go through BLAS, checked against float64 sums.
        torch::manual_seed(1);
        const auto a = torch::randn({64, 48});
        const auto b = torch::randn({48, 32});
        const auto c = torch::mm(a, b);
        const auto ref = (a.to(torch::kDouble).unsqueeze(2) * b.to(torch::kDouble).unsqueeze(0)).sum(1);
        QVERIFY(torch::allclose(c.to(torch::kDouble), ref, 1e-4, 1e-4));
    }

    void errorNamesFileLineAndField()
    {
        const rlrf::Error e("offset outside the file", {"model.safetensors", 0, "lm_head.weight"});
        QCOMPARE(QString::fromStdString(e.what()),
                 QStringLiteral("model.safetensors: 'lm_head.weight': offset outside the file"));
        const rlrf::Error l("invalid JSON", {"data.jsonl", 7, {}});
        QCOMPARE(QString::fromStdString(l.what()), QStringLiteral("data.jsonl:7: invalid JSON"));
        QCOMPARE(QString::fromStdString(l.withStage("import").what()),
                 QStringLiteral("data.jsonl:7: import: invalid JSON"));
    }

    void jsonlReaderReportsTheBadLine()
    {
        std::istringstream in("{\"text\": \"a\"}\n\n{\"text\": \"b\"}\n{\"text\": oops}\n");
        std::vector<long> lines;
        try {
            rlrf::jsonl::forEachLine(in, "input.jsonl", [&](const nlohmann::json &, long line) { lines.push_back(line); });
            QFAIL("a malformed line must throw");
        } catch (const rlrf::Error &e) {
            QCOMPARE(e.source().file, std::string("input.jsonl"));
            QCOMPARE(e.source().line, 4L);
            QVERIFY(std::string(e.what()).find("invalid JSON") != std::string::npos);
        }
        QCOMPARE(lines, (std::vector<long>{1, 3}));
    }

    void loggingReachesAttachedSinks()
    {
        std::ostringstream out;
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
        rlrf::log::attachSink(sink);
        rlrf::log::get("smoke")->info("hello from {}", "the backend");
        rlrf::log::detachSink(sink);
        rlrf::log::get("smoke")->info("not seen");
        QVERIFY(out.str().find("hello from the backend") != std::string::npos);
        QVERIFY(out.str().find("not seen") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestBackendSmoke)
#include "tst_backend_smoke.moc"
