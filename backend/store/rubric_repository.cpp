// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/rubric_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"
#include "store/transaction.h"
#include "types/rubric_io.h"

namespace rlrf::store {
namespace {

const char *const kColumns = "SELECT id, name, version, json, created_at FROM rubric_versions";

RubricVersion readVersion(const Statement &st)
{
    return {st.int64At(0), st.textAt(1), st.intAt(2), st.textAt(3), st.textAt(4)};
}

} // namespace

RubricVersion RubricRepository::save(const feedback::Rubric &rubric)
{
    // Validate through the same reader as a file, so the store never holds a
    // rubric that could not be loaded back.
    const std::string text = feedback::rubricToText(rubric);
    feedback::parseRubric(feedback::rubricToJson(rubric), "rubric '" + rubric.name + "'");
    Transaction tx(m_db);
    const auto previous = latest(rubric.name);
    if (previous && previous->json == text)
        return *previous;
    const int version = previous ? previous->version + 1 : 1;
    m_db.prepare("INSERT INTO rubric_versions (name, version, json) VALUES (?, ?, ?)")
        .bindAll(rubric.name, version, text)
        .run();
    const auto id = m_db.lastInsertId();
    tx.commit();
    return byId(id);
}

std::optional<RubricVersion> RubricRepository::latest(const std::string &name)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE name = ? ORDER BY version DESC LIMIT 1");
    st.bind(1, name);
    if (!st.step())
        return std::nullopt;
    return readVersion(st);
}

std::optional<RubricVersion> RubricRepository::current()
{
    Statement st = m_db.prepare(std::string(kColumns) + " ORDER BY id DESC LIMIT 1");
    if (!st.step())
        return std::nullopt;
    return readVersion(st);
}

RubricVersion RubricRepository::byId(std::int64_t id)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "rubric version", id);
    return readVersion(st);
}

std::vector<RubricVersion> RubricRepository::versions(const std::string &name)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE name = ? ORDER BY version");
    st.bind(1, name);
    std::vector<RubricVersion> list;
    while (st.step())
        list.push_back(readVersion(st));
    return list;
}

feedback::Rubric RubricRepository::load(const RubricVersion &version)
{
    const std::string where = m_db.path() + " (rubric '" + version.name + "' v" + std::to_string(version.version) + ")";
    return feedback::parseRubric(nlohmann::json::parse(version.json), where);
}

} // namespace rlrf::store
