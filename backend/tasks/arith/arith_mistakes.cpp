// SPDX-License-Identifier: GPL-3.0-or-later
// Walks an arith response's lines against the problem; see arith_mistakes.h.
#include "tasks/arith/arith_mistakes.h"

#include "tasks/arith/arith_response.h"
#include "types/aspect_names.h"

#include <algorithm>
#include <optional>

namespace rlrf::feedback {
namespace {

using tasks::ArithOp;
using tasks::ArithStep;
using tasks::ResponseLine;

bool commutative(ArithOp op) { return op == ArithOp::Add || op == ArithOp::Mul; }

// The step computes the given story event (its operation with its number).
bool usesEvent(const ArithStep &s, const ArithStep &event)
{
    return s.op == event.op && (s.right == event.right || (commutative(s.op) && s.left == event.right));
}

class Walker {
public:
    explicit Walker(const tasks::ArithProblem &problem) : m_truth(problem.steps), m_story(problem.storyNumbers()) {}

    void step(const ResponseLine &line);
    void answer(const ResponseLine &line) { m_answers.push_back(line); }
    void malformed(const ResponseLine &line)
    {
        add(ArithMistakeKind::MalformedLine, line.number);
        m_afterUnreadable = true;
    }
    std::vector<ArithMistake> finish(int lineCount);

private:
    // Mistakes of a step name the story event it should compute.
    void add(ArithMistakeKind kind, int line) { m_found.push_back({kind, static_cast<int>(m_next) + 1, line}); }
    void addAnswerMistake(ArithMistakeKind kind, int line) { m_found.push_back({kind, 0, line}); }
    void checkNumber(long value, int line);
    void checkAgainst(const ArithStep &s, const ArithStep &event, int line);

    const std::vector<ArithStep> &m_truth;
    const std::vector<long> m_story;
    std::vector<long> m_results;      // results stated by the response so far
    std::vector<ResponseLine> m_answers;
    std::vector<ArithMistake> m_found;
    std::size_t m_next = 0;           // the story event the next step should compute
    bool m_afterUnreadable = false;   // the previous line could not be read
};

void Walker::checkNumber(long value, int line)
{
    const bool known = std::count(m_story.begin(), m_story.end(), value) > 0
        || std::count(m_results.begin(), m_results.end(), value) > 0;
    add(known ? ArithMistakeKind::WrongStoryNumber : ArithMistakeKind::NumberNotInStory, line);
}

void Walker::checkAgainst(const ArithStep &s, const ArithStep &event, int line)
{
    // The number carried in: the story's start for the first step, else the
    // response's own previous result (an earlier slip is not counted twice).
    const bool first = m_results.empty();
    const long carried = first ? m_truth.front().left : m_results.back();
    long storyOperand = s.right;
    if (s.left == carried) {
        storyOperand = s.right;
    } else if (commutative(s.op) && s.right == carried) {
        storyOperand = s.left;
    } else if (first) {
        checkNumber(s.left, line);
    } else if (!m_afterUnreadable) {
        // After an unreadable line the chain may run through it: not counted twice.
        add(ArithMistakeKind::NotChained, line);
    }
    if (storyOperand != event.right)
        checkNumber(storyOperand, line);
    if (s.op != event.op)
        add(ArithMistakeKind::WrongOperation, line);
    const auto value = tasks::apply(s.op, s.left, s.right);
    if (!value || *value != s.result)
        add(ArithMistakeKind::ArithmeticSlip, line);
}

void Walker::step(const ResponseLine &line)
{
    const ArithStep &s = line.step;
    if (m_next >= m_truth.size()) {
        add(ArithMistakeKind::ExtraStep, line.number);
    } else {
        if (m_next + 1 < m_truth.size() && !usesEvent(s, m_truth[m_next]) && usesEvent(s, m_truth[m_next + 1])) {
            add(ArithMistakeKind::MissingStep, line.number);
            ++m_next;
        }
        checkAgainst(s, m_truth[m_next], line.number);
    }
    m_results.push_back(s.result);
    m_afterUnreadable = false;
    ++m_next;
}

std::vector<ArithMistake> Walker::finish(int lineCount)
{
    const int end = lineCount + 1;
    const int missingAt = m_answers.empty() ? end : m_answers.front().number;
    for (; m_next < m_truth.size(); ++m_next)
        add(ArithMistakeKind::MissingStep, missingAt);
    if (m_answers.empty()) {
        addAnswerMistake(ArithMistakeKind::MissingAnswerLine, end);
    } else {
        const auto &first = m_answers.front();
        if (!first.answer)
            addAnswerMistake(ArithMistakeKind::MalformedLine, first.number);
        else if (!m_results.empty() && *first.answer != m_results.back())
            addAnswerMistake(ArithMistakeKind::AnswerMismatch, first.number);
        for (std::size_t i = 1; i < m_answers.size(); ++i)
            addAnswerMistake(ArithMistakeKind::DuplicateAnswerLine, m_answers[i].number);
    }
    std::stable_sort(m_found.begin(), m_found.end(),
                     [](const ArithMistake &a, const ArithMistake &b) { return a.line < b.line; });
    return m_found;
}

} // namespace

const char *kindName(ArithMistakeKind kind)
{
    switch (kind) {
    case ArithMistakeKind::ArithmeticSlip: return "arithmetic slip";
    case ArithMistakeKind::NotChained: return "step not chained";
    case ArithMistakeKind::AnswerMismatch: return "answer does not follow";
    case ArithMistakeKind::WrongStoryNumber: return "wrong number taken from the story";
    case ArithMistakeKind::NumberNotInStory: return "number not in the story";
    case ArithMistakeKind::MissingStep: return "missing step";
    case ArithMistakeKind::MissingAnswerLine: return "missing answer line";
    case ArithMistakeKind::WrongOperation: return "wrong operation";
    case ArithMistakeKind::ExtraStep: return "extra step";
    case ArithMistakeKind::MalformedLine: return "malformed line";
    case ArithMistakeKind::DuplicateAnswerLine: return "more than one answer line";
    }
    return "unknown";
}

const char *aspectOf(ArithMistakeKind kind)
{
    switch (kind) {
    case ArithMistakeKind::ArithmeticSlip:
    case ArithMistakeKind::NotChained:
    case ArithMistakeKind::AnswerMismatch: return aspect::kLogicalCorrectness;
    case ArithMistakeKind::WrongStoryNumber:
    case ArithMistakeKind::NumberNotInStory: return aspect::kFactuality;
    case ArithMistakeKind::MissingStep:
    case ArithMistakeKind::MissingAnswerLine: return aspect::kCompleteness;
    case ArithMistakeKind::WrongOperation:
    case ArithMistakeKind::ExtraStep: return aspect::kComprehension;
    case ArithMistakeKind::MalformedLine:
    case ArithMistakeKind::DuplicateAnswerLine: return aspect::kReadability;
    }
    return "";
}

const char *advice(ArithMistakeKind kind)
{
    switch (kind) {
    case ArithMistakeKind::ArithmeticSlip: return "the result written does not follow from the two numbers; recompute it";
    case ArithMistakeKind::NotChained: return "the step does not start from the previous step's result";
    case ArithMistakeKind::AnswerMismatch: return "the Answer line is not the result of the last step";
    case ArithMistakeKind::WrongStoryNumber: return "the step uses a number that belongs to another part of the story; reread the story";
    case ArithMistakeKind::NumberNotInStory: return "the step uses a number that appears nowhere in the story or in earlier steps";
    case ArithMistakeKind::MissingStep: return "an event of the story has no step; add the step for it";
    case ArithMistakeKind::MissingAnswerLine: return "the response must end with a line 'Answer: N'";
    case ArithMistakeKind::WrongOperation: return "the operation does not fit what happens in the story at this point";
    case ArithMistakeKind::ExtraStep: return "the story has no event for this step; remove it";
    case ArithMistakeKind::MalformedLine: return "write each step as 'a op b = c' and the answer as 'Answer: N'";
    case ArithMistakeKind::DuplicateAnswerLine: return "give exactly one Answer line";
    }
    return "";
}

std::vector<ArithMistake> findArithMistakes(const tasks::ArithProblem &problem, const std::string &response)
{
    Walker walker(problem);
    const auto lines = tasks::readArithResponse(response);
    for (const auto &line : lines) {
        switch (line.kind) {
        case ResponseLine::Kind::Step: walker.step(line); break;
        case ResponseLine::Kind::Answer: walker.answer(line); break;
        case ResponseLine::Kind::Other: walker.malformed(line); break;
        }
    }
    const int lineCount = static_cast<int>(std::count(response.begin(), response.end(), '\n'))
        + (response.empty() || response.back() == '\n' ? 0 : 1);
    return walker.finish(lineCount);
}

} // namespace rlrf::feedback
