// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/stories_fixture.h"

#include "common/test_paths.h"
#include "model/llama2c_convert.h"

#include <QtGlobal>

namespace rlrf::test {

std::string stories260KFile(const QString &name)
{
    const QString path = sharedData(QStringLiteral("models/stories260K/") + name);
    if (path.isEmpty())
        qFatal("reference file models/stories260K/%s missing under %s", qPrintable(name), qPrintable(sharedDataDir()));
    return path.toStdString();
}

std::string convertStories260K(const QString &folder)
{
    const std::string out = folder.toStdString();
    model::convertLlama2c(stories260KFile(QStringLiteral("stories260K.bin")),
                          stories260KFile(QStringLiteral("tok512.bin")), out);
    return out;
}

} // namespace rlrf::test
