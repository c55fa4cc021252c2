#include "core/version.h"

#include <rlrf/build_info.h>

namespace rlrf {

std::string appVersion()
{
    return RLRF_VERSION_STRING;
}

} // namespace rlrf
