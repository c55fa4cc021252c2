// SPDX-License-Identifier: GPL-3.0-or-later
// Speed of the model-file layer on this machine: saving a Llama-shaped checkpoint
// (one file and sharded), opening it (mmap + full header validation), reading every
// byte through the views, and F32 <-> F16/BF16 conversion. Prints a table.
// usage: bench_safetensors_io [MiB=256] [folder=/tmp]
#include "model/half_float.h"
#include "model/safetensors_checkpoint.h"
#include "model/safetensors_writer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace rlrf::model;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

void row(const char *what, double secs, double amount, const char *unit)
{
    std::printf("| %-44s | %9.3f s | %10.1f %s |\n", what, secs, amount / secs, unit);
}

} // namespace

int main(int argc, char **argv)
{
    const std::size_t mib = argc > 1 ? std::stoul(argv[1]) : 256;
    const std::filesystem::path base = std::filesystem::path(argc > 2 ? argv[2] : "/tmp") / "rlrf_bench_safetensors";
    std::filesystem::remove_all(base);

    // 32 layers of BF16 matrices of 1 MiB each per MiB of target, plus norms in F32.
    const std::size_t matrices = mib;
    std::vector<std::string> storage(matrices, std::string(1 << 20, '\x3c'));
    std::vector<TensorView> views;
    for (std::size_t i = 0; i < matrices; ++i)
        views.push_back({"model.layers." + std::to_string(i / 8) + ".w" + std::to_string(i % 8) + ".weight", Dtype::BF16,
                         {512, 1024}, storage[i].data(), storage[i].size(), {}});
    const double bytes = double(matrices) * (1 << 20);

    std::printf("| %-44s | %11s | %15s |\n|---|---:|---:|\n", "step", "time", "rate");
    auto t = Clock::now();
    saveSafetensorsCheckpoint((base / "single").string(), views);
    row("save one file (write + fsync)", seconds(t), bytes / 1e6, "MB/s");

    SafetensorsWriteOptions sharded;
    sharded.maxShardBytes = 64ull << 20;
    t = Clock::now();
    const auto result = saveSafetensorsCheckpoint((base / "sharded").string(), views, sharded);
    row(("save " + std::to_string(result.files.size()) + " shards + index").c_str(), seconds(t), bytes / 1e6, "MB/s");

    t = Clock::now();
    const auto checkpoint = SafetensorsCheckpoint::open((base / "sharded").string());
    row("open sharded (mmap + validate), tensors/s", seconds(t), double(checkpoint.names().size()), "t/s  ");

    t = Clock::now();
    std::uint64_t sum = 0;
    for (const auto &shard : checkpoint.shards())
        for (const auto &v : shard.tensors())
            for (std::size_t i = 0; i < v.byteSize; i += 64)
                sum += static_cast<const unsigned char *>(v.data)[i];
    row("touch every cache line through the views", seconds(t), bytes / 1e6, "MB/s");

    const std::size_t n = 16u << 20;
    std::vector<float> values(n);
    for (std::size_t i = 0; i < n; ++i)
        values[i] = float(i % 1000) * 0.001f - 0.5f;
    for (Dtype d : {Dtype::BF16, Dtype::F16}) {
        t = Clock::now();
        const auto encoded = fromFloat32(values.data(), n, d);
        row((std::string("F32 -> ") + dtypeName(d) + ", Melem/s").c_str(), seconds(t), n / 1e6, "M/s  ");
        TensorView v{"x", d, {std::int64_t(n)}, encoded.data(), encoded.size(), {}};
        t = Clock::now();
        const auto decoded = toFloat32(v);
        row((std::string(dtypeName(d)) + " -> F32, Melem/s").c_str(), seconds(t), n / 1e6, "M/s  ");
        sum += decoded[n / 2] > 0;
    }
    std::filesystem::remove_all(base);
    std::fprintf(stderr, "(checksum %llu)\n", static_cast<unsigned long long>(sum));
    return 0;
}
