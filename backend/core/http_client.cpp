#include "core/http_client.h"

#include "core/error.h"

#include <curl/curl.h>

#include <mutex>

namespace rlrf::http {
namespace {

void globalInitOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t appendBody(char *data, size_t size, size_t count, void *user)
{
    static_cast<std::string *>(user)->append(data, size * count);
    return size * count;
}

} // namespace

struct Client::Impl {
    CURL *curl = nullptr;
};

Client::Client()
    : m_impl(std::make_unique<Impl>())
{
    globalInitOnce();
    m_impl->curl = curl_easy_init();
    if (!m_impl->curl)
        throw Error("cannot initialise libcurl");
}

Client::~Client()
{
    curl_easy_cleanup(m_impl->curl);
}

Response Client::postJson(const std::string &url, const std::string &body, const std::vector<std::string> &headers,
                          const Timeouts &timeouts)
{
    CURL *curl = m_impl->curl;
    curl_easy_reset(curl);
    Response response;
    curl_slist *list = curl_slist_append(nullptr, "Content-Type: application/json");
    for (const auto &h : headers)
        list = curl_slist_append(list, h.c_str());
    char errorBuffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connectSeconds * 1000));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.totalSeconds * 1000));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // safe in threads
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "rlrf-workbench");

    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (code != CURLE_OK) {
        response.transportError = errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
        response.timedOut = code == CURLE_OPERATION_TIMEDOUT;
        return response;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

} // namespace rlrf::http
