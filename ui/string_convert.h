// The one place where backend strings (UTF-8 std::string) become QStrings and back.
#pragma once

#include <QString>

#include <string>

namespace rlrf::ui {

inline QString toQString(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

inline std::string toStdString(const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    return std::string(utf8.constData(), static_cast<size_t>(utf8.size()));
}

} // namespace rlrf::ui
