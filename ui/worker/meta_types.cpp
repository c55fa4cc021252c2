#include "worker/meta_types.h"

namespace rlrf::ui {

void registerMetaTypes()
{
    qRegisterMetaType<rlrf::RuntimeInfo>();
    qRegisterMetaType<rlrf::Outcome>();
}

} // namespace rlrf::ui
