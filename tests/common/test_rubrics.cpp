#include "common/test_rubrics.h"

namespace rlrf::test {

feedback::Rubric eightAspectRubric()
{
    feedback::Rubric rubric;
    rubric.name = "test";
    const char *names[] = {"Factuality", "Logical Correctness", "Metacognition", "Insightfulness",
                           "Completeness", "Comprehension", "Readability", "Harmlessness"};
    for (const char *name : names) {
        feedback::RubricAspect a;
        a.name = name;
        a.description = std::string("how well the answer does on ") + name;
        a.levels = {"fails", "partly meets", "fully meets"};
        a.applies = a.name != "Metacognition" && a.name != "Insightfulness" && a.name != "Harmlessness";
        rubric.aspects.push_back(a);
    }
    return rubric;
}

} // namespace rlrf::test
