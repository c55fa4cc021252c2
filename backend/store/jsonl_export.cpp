// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/jsonl_export.h"

#include "core/error.h"
#include "store/database.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace rlrf::store {
namespace {

// Streams lines into "<path>.tmp" and renames on commit(); removes the temporary
// file when destroyed uncommitted (an error half way).
class AtomicLineWriter {
public:
    explicit AtomicLineWriter(std::string path)
        : m_path(std::move(path))
        , m_tmp(m_path + ".tmp")
        , m_out(m_tmp, std::ios::binary | std::ios::trunc)
    {
        if (!m_out)
            throw Error("cannot open file for writing", {m_tmp, 0, {}});
    }
    ~AtomicLineWriter()
    {
        if (!m_committed) {
            m_out.close();
            std::remove(m_tmp.c_str());
        }
    }
    void write(const nlohmann::json &line)
    {
        m_out << line.dump() << '\n';
        ++m_rows;
    }
    std::int64_t commit()
    {
        m_out.flush();
        m_out.close();
        if (!m_out)
            throw Error("write failed (disk full?)", {m_tmp, 0, {}});
        std::error_code ec;
        std::filesystem::rename(m_tmp, m_path, ec);
        if (ec)
            throw Error("cannot move the written file into place: " + ec.message(), {m_path, 0, {}});
        m_committed = true;
        return m_rows;
    }

private:
    std::string m_path;
    std::string m_tmp;
    std::ofstream m_out;
    std::int64_t m_rows = 0;
    bool m_committed = false;
};

nlohmann::json optionalId(const Statement &st, int column)
{
    return st.isNull(column) ? nlohmann::json() : nlohmann::json(st.int64At(column));
}

nlohmann::json message(const char *role, const std::string &content)
{
    return nlohmann::json::array({{{"role", role}, {"content", content}}});
}

} // namespace

std::string defaultProvenancePath(const std::string &out)
{
    std::filesystem::path p(out);
    return (p.parent_path() / (p.stem().string() + ".provenance.jsonl")).string();
}

ExportSummary exportPairsTrl(Database &db, const std::string &out, const std::string &provenance,
                             const PairExportOptions &options)
{
    ExportSummary summary{0, out, provenance.empty() ? defaultProvenancePath(out) : provenance};
    if (summary.provenancePath == out)
        throw Error("the provenance file must differ from the pairs file", {out, 0, {}});
    Statement st = db.prepare(
        "SELECT p.id, pr.text, coalesce(p.chosen_text, c.text), coalesce(p.rejected_text, r.text), p.rule, p.gap, "
        "p.review_state, p.chosen_candidate_id, p.rejected_candidate_id, p.chosen_critique_id, "
        "p.rejected_critique_id, kc.judge, kr.judge, rv.name, rv.version, p.prompt_id "
        "FROM pairs p JOIN prompts pr ON pr.id = p.prompt_id "
        "JOIN candidates c ON c.id = p.chosen_candidate_id JOIN candidates r ON r.id = p.rejected_candidate_id "
        "LEFT JOIN critiques kc ON kc.id = p.chosen_critique_id LEFT JOIN critiques kr ON kr.id = p.rejected_critique_id "
        "LEFT JOIN rubric_versions rv ON rv.id = coalesce(kc.rubric_version_id, kr.rubric_version_id) "
        + std::string(options.reviewedOnly ? "WHERE p.review_state IN ('approved', 'edited') "
                                           : "WHERE p.review_state <> 'rejected' ")
        + "ORDER BY p.id");
    AtomicLineWriter pairs(out);
    AtomicLineWriter sidecar(summary.provenancePath);
    while (st.step()) {
        pairs.write({{"prompt", message("user", st.textAt(1))},
                     {"chosen", message("assistant", st.textAt(2))},
                     {"rejected", message("assistant", st.textAt(3))}});
        nlohmann::json rubric;
        if (!st.isNull(13))
            rubric = {{"name", st.textAt(13)}, {"version", st.int64At(14)}};
        sidecar.write({{"pair_id", st.int64At(0)},
                       {"prompt_id", st.int64At(15)},
                       {"rule", st.textAt(4)},
                       {"gap", st.doubleAt(5)},
                       {"review_state", st.textAt(6)},
                       {"chosen_candidate_id", st.int64At(7)},
                       {"rejected_candidate_id", st.int64At(8)},
                       {"chosen_critique_id", optionalId(st, 9)},
                       {"rejected_critique_id", optionalId(st, 10)},
                       {"chosen_judge", st.isNull(11) ? nlohmann::json() : nlohmann::json(st.textAt(11))},
                       {"rejected_judge", st.isNull(12) ? nlohmann::json() : nlohmann::json(st.textAt(12))},
                       {"rubric_version", rubric}});
    }
    summary.rows = pairs.commit();
    sidecar.commit();
    return summary;
}

ExportSummary exportCritiquesJsonl(Database &db, const std::string &out)
{
    // Two cursors in critique order, merged: one pass over each table.
    Statement critiques = db.prepare(
        "SELECT k.id, k.candidate_id, c.prompt_id, c.iteration, c.parent_candidate_id IS NOT NULL, k.judge, "
        "rv.name, rv.version, k.overall, k.reward, k.parse_status, k.parse_error, k.raw_output, k.created_at "
        "FROM critiques k JOIN candidates c ON c.id = k.candidate_id "
        "LEFT JOIN rubric_versions rv ON rv.id = k.rubric_version_id ORDER BY k.id");
    Statement aspects = db.prepare(
        "SELECT critique_id, aspect, rating, rationale FROM critique_aspects ORDER BY critique_id, position");
    bool aspectRow = aspects.step();
    AtomicLineWriter writer(out);
    while (critiques.step()) {
        const std::int64_t id = critiques.int64At(0);
        nlohmann::json list = nlohmann::json::array();
        while (aspectRow && aspects.int64At(0) < id)
            aspectRow = aspects.step();
        while (aspectRow && aspects.int64At(0) == id) {
            list.push_back({{"aspect", aspects.textAt(1)}, {"rating", aspects.int64At(2)},
                            {"rationale", aspects.textAt(3)}});
            aspectRow = aspects.step();
        }
        nlohmann::json rubric;
        if (!critiques.isNull(6))
            rubric = {{"name", critiques.textAt(6)}, {"version", critiques.int64At(7)}};
        writer.write({{"critique_id", id},
                      {"candidate_id", critiques.int64At(1)},
                      {"prompt_id", critiques.int64At(2)},
                      {"iteration", critiques.int64At(3)},
                      {"is_refinement", critiques.int64At(4) != 0},
                      {"judge", critiques.textAt(5)},
                      {"rubric_version", rubric},
                      {"overall", critiques.doubleAt(8)},
                      {"reward", critiques.isNull(9) ? nlohmann::json() : nlohmann::json(critiques.doubleAt(9))},
                      {"parse_status", critiques.textAt(10)},
                      {"parse_error", critiques.textAt(11)},
                      {"aspects", list},
                      {"raw_output", critiques.textAt(12)},
                      {"created_at", critiques.textAt(13)}});
    }
    return {writer.commit(), out, {}};
}

} // namespace rlrf::store
