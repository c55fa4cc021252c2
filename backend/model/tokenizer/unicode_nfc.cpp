// SPDX-License-Identifier: GPL-3.0-or-later
// NFC = canonical decomposition, canonical ordering, canonical composition
// (UAX #15, sections 1.3 and 9; Hangul arithmetic from the Unicode standard, 3.12).
#include "model/tokenizer/unicode_nfc.h"

#include "model/tokenizer/utf8.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace rlrf::model::detail {

namespace {

struct CombiningClass { char32_t cp; std::uint8_t ccc; };
struct Decomposition { char32_t cp; char32_t first; char32_t second; };
struct Composition { char32_t first; char32_t second; char32_t composite; };

#include "model/tokenizer/unicode_nfc_tables.inc"

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

std::uint8_t combiningClass(char32_t cp)
{
    if (cp < 0x300) return 0;
    const auto it = std::lower_bound(std::begin(kCombiningClasses), std::end(kCombiningClasses), cp,
                                     [](const CombiningClass &e, char32_t c) { return e.cp < c; });
    return it != std::end(kCombiningClasses) && it->cp == cp ? it->ccc : 0;
}

const Decomposition *findDecomposition(char32_t cp)
{
    if (cp < 0xC0) return nullptr;
    const auto it = std::lower_bound(std::begin(kDecompositions), std::end(kDecompositions), cp,
                                     [](const Decomposition &e, char32_t c) { return e.cp < c; });
    return it != std::end(kDecompositions) && it->cp == cp ? &*it : nullptr;
}

void decompose(char32_t cp, std::vector<char32_t> &out)
{
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
        return;
    }
    if (const Decomposition *d = findDecomposition(cp)) {
        decompose(d->first, out);
        if (d->second != 0) decompose(d->second, out);
        return;
    }
    out.push_back(cp);
}

// Returns 0 when the pair has no primary composite.
char32_t compose(char32_t first, char32_t second)
{
    if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount)
        return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
    if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0
        && second > kTBase && second < kTBase + kTCount)
        return first + (second - kTBase);
    const auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions), std::make_pair(first, second),
                                     [](const Composition &e, const std::pair<char32_t, char32_t> &k) {
                                         return e.first != k.first ? e.first < k.first : e.second < k.second;
                                     });
    return it != std::end(kCompositions) && it->first == first && it->second == second ? it->composite : 0;
}

// Canonical ordering: stable sort of each run of non-starters by combining class.
void reorder(std::vector<char32_t> &cps)
{
    for (std::size_t i = 0; i < cps.size();) {
        if (combiningClass(cps[i]) == 0) { ++i; continue; }
        std::size_t j = i;
        while (j < cps.size() && combiningClass(cps[j]) != 0) ++j;
        std::stable_sort(cps.begin() + static_cast<std::ptrdiff_t>(i), cps.begin() + static_cast<std::ptrdiff_t>(j),
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
}

// Canonical composition: a character joins the last starter unless blocked by a
// character in between of the same or higher class (or a starter).
void composeAll(std::vector<char32_t> &cps)
{
    if (cps.empty()) return;
    std::size_t starter = 0;
    bool haveStarter = combiningClass(cps[0]) == 0;
    std::size_t write = 1;
    int lastClass = haveStarter ? 0 : 256;
    for (std::size_t i = 1; i < cps.size(); ++i) {
        const char32_t cp = cps[i];
        const int ccc = combiningClass(cp);
        const bool blocked = !haveStarter || (write - 1 != starter && (lastClass == 0 || lastClass >= ccc));
        if (!blocked) {
            if (const char32_t c = compose(cps[starter], cp)) {
                cps[starter] = c;
                continue;
            }
        }
        if (ccc == 0) {
            starter = write;
            haveStarter = true;
        }
        lastClass = ccc;
        cps[write++] = cp;
    }
    cps.resize(write);
}

} // namespace

std::string toNfc(std::string_view text)
{
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return std::string(text);
    std::vector<char32_t> cps;
    cps.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();)
        decompose(decodeUtf8(text, pos), cps);
    reorder(cps);
    composeAll(cps);
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : cps)
        appendUtf8(out, cp);
    return out;
}

} // namespace rlrf::model::detail
