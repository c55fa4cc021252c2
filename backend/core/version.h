#pragma once

#include <string>

namespace rlrf {

// The workbench version (from CMake's project()).
std::string appVersion();

} // namespace rlrf
