#include "model/jinja/utf8.h"

namespace rlrf::jinja::utf8 {

std::vector<size_t> codePointStarts(const std::string &s)
{
    std::vector<size_t> starts;
    starts.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        // Continuation bytes (10xxxxxx) belong to the code point before them.
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 || starts.empty())
            starts.push_back(i);
    }
    return starts;
}

size_t length(const std::string &s)
{
    return codePointStarts(s).size();
}

std::string substr(const std::string &s, const std::vector<size_t> &starts, size_t first, size_t count)
{
    if (first >= starts.size() || count == 0)
        return {};
    const size_t begin = starts[first];
    const size_t end = first + count >= starts.size() ? s.size() : starts[first + count];
    return s.substr(begin, end - begin);
}

} // namespace rlrf::jinja::utf8
