// SPDX-License-Identifier: GPL-3.0-or-later
// PCRE2 wrapper of the tokenizer (see pcre2_regex.h).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "model/tokenizer/pcre2_regex.h"

#include "core/error.h"

#include <pcre2.h>

namespace rlrf::model::detail {

struct Pcre2Regex::Code {
    pcre2_code *code = nullptr;
};

namespace {

std::string errorText(int code)
{
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof buffer);
    return reinterpret_cast<const char *>(buffer);
}

// Per-thread match data and JIT stack: the default 32 KiB JIT stack is too small
// for long runs of whitespace under `\s+(?!\S)`.
struct MatchScratch {
    pcre2_match_data *data = nullptr;
    pcre2_match_context *context = nullptr;
    pcre2_jit_stack *stack = nullptr;
    MatchScratch()
    {
        data = pcre2_match_data_create(16, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, nullptr);
        if (stack)
            pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~MatchScratch()
    {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
    MatchScratch(const MatchScratch &) = delete;
    MatchScratch &operator=(const MatchScratch &) = delete;
};

MatchScratch &scratch()
{
    thread_local MatchScratch s;
    return s;
}

} // namespace

Pcre2Regex::Pcre2Regex(const std::string &pattern, const std::string &fileForErrors, const std::string &field)
    : m_code(std::make_unique<Code>())
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    m_code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
    if (!m_code->code)
        throw Error("cannot compile the pattern '" + pattern + "' at offset " + std::to_string(offset) + ": "
                        + errorText(error),
                    {fileForErrors, 0, field});
    m_jit = pcre2_jit_compile(m_code->code, PCRE2_JIT_COMPLETE) == 0;
}

Pcre2Regex::~Pcre2Regex()
{
    pcre2_code_free(m_code->code);
}

std::vector<std::pair<std::size_t, std::size_t>> Pcre2Regex::findAll(std::string_view text) const
{
    std::vector<std::pair<std::size_t, std::size_t>> matches;
    MatchScratch &s = scratch();
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    std::size_t start = 0;
    while (start <= text.size()) {
        // The text was validated as UTF-8 before reaching here.
        const int rc = pcre2_match(m_code->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, s.data, s.context);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            throw Error("pattern matching failed: " + errorText(rc));
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s.data);
        if (ov[1] > ov[0]) {
            matches.emplace_back(ov[0], ov[1]);
            start = ov[1];
        } else {
            // An empty match: step over one whole character and look again.
            if (start >= text.size()) break;
            start = ov[0] + 1;
            while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
                ++start;
        }
    }
    return matches;
}

} // namespace rlrf::model::detail
