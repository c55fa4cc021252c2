// The error type of the backend. It names where the problem is (a file, a line or
// row, a field) so that a message reaching the user says what to fix.
#pragma once

#include <stdexcept>
#include <string>

namespace rlrf {

struct ErrorSource {
    ErrorSource() = default;
    ErrorSource(std::string file_, long line_ = 0, std::string field_ = {})
        : file(std::move(file_)), line(line_), field(std::move(field_)) {}

    std::string file;   // a path, or empty
    long line = 0;      // 1-based line or row; 0 = none
    std::string field;  // a JSON key, column or tensor name; empty = none
};

class Error : public std::runtime_error {
public:
    explicit Error(std::string message, ErrorSource source = {});

    const std::string &message() const { return m_message; }
    const ErrorSource &source() const { return m_source; }

    // "stage: message" — adds context while the error travels up.
    Error withStage(const std::string &stage) const;

private:
    static std::string compose(const std::string &message, const ErrorSource &source);

    std::string m_message;
    ErrorSource m_source;
};

} // namespace rlrf
