// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for testing network
// clients: each connection gets its own thread, and the test decides per request
// what the server does — answer, answer slowly, or drop the connection.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rlrf::test {

struct HttpRequest {
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;
    std::string header(const std::string &lowerName) const;
};

struct HttpReply {
    int status = 200;
    std::string body;
    std::string contentType = "application/json";
    int delayMs = 0;       // wait before answering
    bool drop = false;     // close the connection without answering
};

class LocalHttpServer {
public:
    using Handler = std::function<HttpReply(const HttpRequest &, int requestNumber)>;

    explicit LocalHttpServer(Handler handler);
    ~LocalHttpServer();

    std::string baseUrl() const; // "http://127.0.0.1:PORT"
    int requestCount() const { return m_requests; }
    int maxConcurrent() const { return m_maxConcurrent; }
    std::vector<HttpRequest> requests() const;

private:
    void acceptLoop();
    void serve(int fd);

    Handler m_handler;
    int m_listenFd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    std::atomic<int> m_inFlight{0};
    std::atomic<int> m_maxConcurrent{0};
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_seen;
    std::vector<std::thread> m_threads;
    std::thread m_acceptThread;
};

} // namespace rlrf::test
