// A small blocking HTTP client over libcurl for JSON APIs. One instance per thread
// (it owns a curl handle); transport problems come back as values, not exceptions,
// so callers can decide what to retry.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace rlrf::http {

struct Response {
    long status = 0;        // HTTP status; 0 when no response arrived
    std::string body;
    std::string transportError; // curl's message when the request did not complete
    bool timedOut = false;
};

struct Timeouts {
    double connectSeconds = 10.0;
    double totalSeconds = 120.0;
};

class Client {
public:
    Client();
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    Response postJson(const std::string &url, const std::string &body, const std::vector<std::string> &headers,
                      const Timeouts &timeouts);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace rlrf::http
