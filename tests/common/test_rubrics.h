// A rubric built in code for tests that must not depend on the rubric files.
#pragma once

#include "types/rubric.h"

namespace rlrf::test {

// The eight default aspects; Metacognition, Insightfulness and Harmlessness do not
// apply (as for a math task), so five are rated.
feedback::Rubric eightAspectRubric();

} // namespace rlrf::test
