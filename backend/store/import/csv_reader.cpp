// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/import/csv_reader.h"

#include "core/error.h"

namespace rlrf::tasks {
namespace {

// A small state machine over the characters; `line` follows every newline,
// including those inside quoted fields, so errors and rows name real lines.
class CsvParser {
public:
    CsvParser(const std::string &text, const std::string &name) : m_text(text), m_name(name) {}

    std::vector<CsvRecord> run()
    {
        while (m_pos < m_text.size())
            readRecord();
        return std::move(m_records);
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    bool atLineEnd() const
    {
        return atEnd() || peek() == '\n' || (peek() == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n');
    }

    void skipLineEnd()
    {
        if (!atEnd() && peek() == '\r')
            ++m_pos;
        if (!atEnd() && peek() == '\n') {
            ++m_pos;
            ++m_line;
        }
    }

    void readRecord()
    {
        CsvRecord record;
        record.line = m_line;
        if (atLineEnd()) { // an empty line: no record
            skipLineEnd();
            return;
        }
        for (;;) {
            record.fields.push_back(readField());
            if (atLineEnd())
                break;
            ++m_pos; // the comma
        }
        skipLineEnd();
        m_records.push_back(std::move(record));
    }

    std::string readField()
    {
        return !atEnd() && peek() == '"' ? readQuoted() : readPlain();
    }

    std::string readPlain()
    {
        std::string field;
        while (!atLineEnd() && peek() != ',') {
            if (peek() == '"')
                throw Error("a quote inside an unquoted field (quote the whole field and double the quote)",
                            {m_name, m_line, {}});
            field += m_text[m_pos++];
        }
        return field;
    }

    std::string readQuoted()
    {
        const long startLine = m_line;
        ++m_pos; // opening quote
        std::string field;
        for (;;) {
            if (atEnd())
                throw Error("quoted field never closed (it opens on this line)", {m_name, startLine, {}});
            const char c = m_text[m_pos++];
            if (c == '"') {
                if (!atEnd() && peek() == '"') {
                    field += '"';
                    ++m_pos;
                    continue;
                }
                break;
            }
            if (c == '\n')
                ++m_line;
            field += c;
        }
        if (!atLineEnd() && peek() != ',')
            throw Error(std::string("unexpected '") + peek() + "' after a closing quote", {m_name, m_line, {}});
        return field;
    }

    const std::string &m_text;
    const std::string &m_name;
    size_t m_pos = 0;
    long m_line = 1;
    std::vector<CsvRecord> m_records;
};

} // namespace

std::vector<CsvRecord> parseCsv(const std::string &text, const std::string &name)
{
    // Spreadsheet programs often start UTF-8 CSV with a byte-order mark; it is
    // not part of the first column's name.
    static const std::string kBom = "\xEF\xBB\xBF";
    if (text.compare(0, kBom.size(), kBom) == 0)
        return CsvParser(text.substr(kBom.size()), name).run();
    return CsvParser(text, name).run();
}

} // namespace rlrf::tasks
