// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/prompt_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"

namespace rlrf::store {
namespace {

const char *const kColumns =
    "SELECT id, prompt_set_id, text, reference_answer, split, source, source_row, metadata FROM prompts";

PromptRecord readPrompt(const Statement &st)
{
    PromptRecord p;
    p.id = st.int64At(0);
    p.promptSetId = st.int64At(1);
    p.text = st.textAt(2);
    p.referenceAnswer = st.optionalTextAt(3);
    p.split = parseSplit(st.textAt(4));
    p.source = st.textAt(5);
    p.sourceRow = st.int64At(6);
    p.metadataJson = st.textAt(7);
    return p;
}

} // namespace

std::int64_t PromptRepository::createSet(const PromptSetRecord &set)
{
    if (set.name.empty())
        throw Error("a prompt set needs a name", {m_db.path(), 0, "name"});
    m_db.cached("INSERT INTO prompt_sets (name, format, source_path) VALUES (?, ?, ?)")
        .bindAll(set.name, set.format, set.sourcePath)
        .run();
    return m_db.lastInsertId();
}

std::vector<PromptSetRecord> PromptRepository::sets()
{
    std::vector<PromptSetRecord> list;
    Statement st = m_db.prepare("SELECT id, name, format, source_path, imported_at FROM prompt_sets ORDER BY id");
    while (st.step())
        list.push_back({st.int64At(0), st.textAt(1), st.textAt(2), st.textAt(3), st.textAt(4)});
    return list;
}

std::int64_t PromptRepository::insert(const PromptRecord &prompt)
{
    m_db.cached("INSERT INTO prompts (prompt_set_id, text, reference_answer, split, source, source_row, metadata) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bindAll(prompt.promptSetId, prompt.text, prompt.referenceAnswer, toString(prompt.split), prompt.source,
                 prompt.sourceRow, prompt.metadataJson)
        .run();
    return m_db.lastInsertId();
}

PromptRecord PromptRepository::byId(std::int64_t id)
{
    Statement &st = m_db.cached(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "prompt", id);
    const auto record = readPrompt(st);
    st.reset(); // a finished read must not keep its snapshot open
    return record;
}

std::int64_t PromptRepository::count(std::optional<Split> split)
{
    Statement st = m_db.prepare(split ? "SELECT count(*) FROM prompts WHERE split = ?" : "SELECT count(*) FROM prompts");
    if (split)
        st.bind(1, toString(*split));
    st.step();
    return st.int64At(0);
}

std::map<Split, std::int64_t> PromptRepository::countBySplit()
{
    std::map<Split, std::int64_t> counts{{Split::Train, 0}, {Split::Validation, 0}, {Split::Test, 0}};
    Statement st = m_db.prepare("SELECT split, count(*) FROM prompts GROUP BY split");
    while (st.step())
        counts[parseSplit(st.textAt(0))] = st.int64At(1);
    return counts;
}

std::vector<PromptRecord> PromptRepository::page(const PageRequest &page, std::optional<Split> split)
{
    static const std::map<std::string, std::string> kSort{
        {"id", "id"}, {"split", "split"}, {"source_row", "source_row"}, {"text", "text"}};
    Statement st = m_db.prepare(std::string(kColumns)
                                + detail::pageClause(page, kSort, "id", "prompts", split ? "split = ?" : ""));
    int next = 1;
    if (split)
        st.bind(next++, toString(*split));
    if (page.afterId)
        st.bind(next, *page.afterId);
    std::vector<PromptRecord> list;
    while (st.step())
        list.push_back(readPrompt(st));
    return list;
}

} // namespace rlrf::store
