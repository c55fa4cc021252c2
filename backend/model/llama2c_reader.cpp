// SPDX-License-Identifier: GPL-3.0-or-later
// Format: karpathy/llama2.c run.c (read_checkpoint, build_tokenizer) and export.py
// (legacy_export). All numbers little-endian, as written on x86 and ARM.
#include "model/llama2c_reader.h"

#include "core/error.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace rlrf::model {

namespace {

std::vector<char> readWholeFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open file", {path, 0, {}});
    return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A cursor over the file's bytes; every read names the file and what it was reading.
class ByteCursor {
public:
    ByteCursor(const std::vector<char> &bytes, std::string path) : m_bytes(bytes), m_path(std::move(path)) {}

    template <typename T>
    T read(const std::string &what)
    {
        T value;
        take(&value, sizeof(T), what);
        return value;
    }
    std::vector<float> floats(std::int64_t count, const std::string &what)
    {
        // Checked before allocating: a header that claims billions of weights
        // (or a negative count) is an error about the file, not an 8 GB request.
        const auto available = static_cast<std::uint64_t>(remaining()) / sizeof(float);
        if (count < 0 || static_cast<std::uint64_t>(count) > available)
            throw Error("file ends at byte " + std::to_string(m_bytes.size()) + " while reading " + what + " ("
                            + std::to_string(count) + " floats from byte " + std::to_string(m_offset) + ")",
                        {m_path, 0, what});
        std::vector<float> values(static_cast<size_t>(count));
        take(values.data(), values.size() * sizeof(float), what);
        return values;
    }
    void take(void *out, size_t size, const std::string &what)
    {
        if (m_offset + size > m_bytes.size())
            throw Error("file ends at byte " + std::to_string(m_bytes.size()) + " while reading " + what
                            + " (needs " + std::to_string(m_offset + size) + ")",
                        {m_path, 0, what});
        std::memcpy(out, m_bytes.data() + m_offset, size);
        m_offset += size;
    }
    size_t offset() const { return m_offset; }
    size_t remaining() const { return m_bytes.size() - m_offset; }

private:
    const std::vector<char> &m_bytes;
    std::string m_path;
    size_t m_offset = 0;
};

ModelConfig configFromHeader(ByteCursor &cursor, const std::string &path)
{
    const char *names[] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
    std::int32_t h[7];
    for (int i = 0; i < 7; ++i)
        h[i] = cursor.read<std::int32_t>(names[i]);
    if (static_cast<std::uint32_t>(h[0]) == 0x616b3432u)
        throw Error("versioned llama2.c export (magic \"ak42\") is not supported; export with legacy_export "
                    "(version 0)", {path, 0, "magic"});
    for (int i = 0; i < 7; ++i)
        if ((i == 5 ? std::abs(h[i]) : h[i]) <= 0)
            throw Error("header value must be positive, got " + std::to_string(h[i]), {path, 0, names[i]});
    if (h[0] % h[3] != 0 || (h[0] / h[3]) % 2 != 0)
        throw Error("dim " + std::to_string(h[0]) + " does not split into an even head size over "
                        + std::to_string(h[3]) + " heads", {path, 0, "n_heads"});
    if (h[3] % h[4] != 0)
        throw Error("n_heads " + std::to_string(h[3]) + " is not a multiple of n_kv_heads "
                        + std::to_string(h[4]), {path, 0, "n_kv_heads"});
    ModelConfig c;
    c.architecture = "LlamaForCausalLM";
    c.modelType = "llama";
    c.hiddenSize = h[0];
    c.intermediateSize = h[1];
    c.numLayers = h[2];
    c.numHeads = h[3];
    c.numKvHeads = h[4];
    c.vocabSize = std::abs(h[5]);
    c.tieWordEmbeddings = h[5] > 0; // negative: a separate classifier follows
    c.maxPositionEmbeddings = h[6];
    c.headDim = h[0] / h[3];
    c.ropeTheta = 10000.0;
    c.rmsNormEps = 1e-5;
    c.bosTokenId = 1;
    c.eosTokenIds = {2};
    c.torchDtype = "float32";
    return c;
}

// llama2.c's adjacent-pair layout -> Hugging Face's rotate-half layout, per head:
// new row j*(K/2) + i takes old row 2i + j (transformers' `permute`).
std::vector<float> toRotateHalf(const std::vector<float> &rows, std::int64_t heads, std::int64_t headDim,
                                std::int64_t columns)
{
    std::vector<float> out(rows.size());
    const auto half = headDim / 2;
    for (std::int64_t h = 0; h < heads; ++h)
        for (std::int64_t i = 0; i < half; ++i)
            for (std::int64_t j = 0; j < 2; ++j) {
                const auto from = (h * headDim + 2 * i + j) * columns;
                const auto to = (h * headDim + j * half + i) * columns;
                std::memcpy(&out[static_cast<size_t>(to)], &rows[static_cast<size_t>(from)],
                            static_cast<size_t>(columns) * sizeof(float));
            }
    return out;
}

} // namespace

Llama2cCheckpoint readLlama2cCheckpoint(const std::string &path)
{
    const auto bytes = readWholeFile(path);
    ByteCursor cursor(bytes, path);
    Llama2cCheckpoint ckpt;
    ckpt.config = configFromHeader(cursor, path);
    const auto &c = ckpt.config;
    const std::int64_t d = c.hiddenSize, f = c.intermediateSize, n = c.numLayers, k = c.headDim;
    const std::int64_t kvDim = c.numKvHeads * k, qDim = c.numHeads * k;

    auto add = [&](const std::string &name, std::vector<std::int64_t> shape, std::vector<float> values) {
        ckpt.tensors.emplace_back(name, FloatTensor{std::move(shape), std::move(values)});
    };
    // Stacked per-layer arrays [n, rows, cols], split into one tensor per layer.
    auto perLayer = [&](const std::string &what, std::int64_t rows, std::int64_t cols) {
        std::vector<std::vector<float>> layers;
        for (std::int64_t l = 0; l < n; ++l)
            layers.push_back(cursor.floats(rows * cols, what + "[" + std::to_string(l) + "]"));
        return layers;
    };
    const std::string layer = "model.layers.";
    add("model.embed_tokens.weight", {c.vocabSize, d}, cursor.floats(c.vocabSize * d, "token_embedding"));
    const auto rmsAtt = perLayer("rms_att", 1, d);
    const auto wq = perLayer("wq", qDim, d);
    const auto wk = perLayer("wk", kvDim, d);
    const auto wv = perLayer("wv", kvDim, d);
    const auto wo = perLayer("wo", d, qDim);
    const auto rmsFfn = perLayer("rms_ffn", 1, d);
    const auto w1 = perLayer("w1", f, d);
    const auto w2 = perLayer("w2", d, f);
    const auto w3 = perLayer("w3", f, d);
    for (std::int64_t l = 0; l < n; ++l) {
        const auto p = layer + std::to_string(l) + ".";
        const auto i = static_cast<size_t>(l);
        add(p + "input_layernorm.weight", {d}, rmsAtt[i]);
        add(p + "self_attn.q_proj.weight", {qDim, d}, toRotateHalf(wq[i], c.numHeads, k, d));
        add(p + "self_attn.k_proj.weight", {kvDim, d}, toRotateHalf(wk[i], c.numKvHeads, k, d));
        add(p + "self_attn.v_proj.weight", {kvDim, d}, wv[i]);
        add(p + "self_attn.o_proj.weight", {d, qDim}, wo[i]);
        add(p + "post_attention_layernorm.weight", {d}, rmsFfn[i]);
        add(p + "mlp.gate_proj.weight", {f, d}, w1[i]);
        add(p + "mlp.down_proj.weight", {d, f}, w2[i]);
        add(p + "mlp.up_proj.weight", {f, d}, w3[i]);
    }
    add("model.norm.weight", {d}, cursor.floats(d, "rms_final"));
    // The old RoPE tables (freq_cis_real, freq_cis_imag) are recomputed, not read.
    cursor.floats(2 * c.maxPositionEmbeddings * (k / 2), "freq_cis");
    if (!c.tieWordEmbeddings)
        add("lm_head.weight", {c.vocabSize, d}, cursor.floats(c.vocabSize * d, "wcls"));
    if (cursor.remaining() != 0)
        throw Error(std::to_string(cursor.remaining()) + " unexpected bytes after the last tensor at byte "
                        + std::to_string(cursor.offset()) + " (header sizes do not match the file)",
                    {path, 0, {}});
    return ckpt;
}

Llama2cVocabulary readLlama2cVocabulary(const std::string &path, std::int64_t vocabSize)
{
    const auto bytes = readWholeFile(path);
    ByteCursor cursor(bytes, path);
    Llama2cVocabulary vocab;
    vocab.maxTokenLength = cursor.read<std::int32_t>("max_token_length");
    if (vocab.maxTokenLength <= 0)
        throw Error("must be positive, got " + std::to_string(vocab.maxTokenLength), {path, 0, "max_token_length"});
    for (std::int64_t i = 0; i < vocabSize; ++i) {
        const std::string entry = "token " + std::to_string(i);
        vocab.scores.push_back(cursor.read<float>(entry + " score"));
        const auto length = cursor.read<std::int32_t>(entry + " length");
        if (length < 0 || length > vocab.maxTokenLength)
            throw Error("length " + std::to_string(length) + " outside 0.." + std::to_string(vocab.maxTokenLength),
                        {path, 0, entry});
        std::string piece(static_cast<size_t>(length), '\0');
        cursor.take(piece.data(), piece.size(), entry + " bytes");
        vocab.pieces.push_back(std::move(piece));
    }
    if (cursor.remaining() != 0)
        throw Error(std::to_string(cursor.remaining()) + " bytes after " + std::to_string(vocabSize)
                        + " tokens: the vocabulary size does not match the file", {path, 0, {}});
    return vocab;
}

} // namespace rlrf::model
