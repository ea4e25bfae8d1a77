#include "net/http.hpp"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "util/digest.hpp"

namespace firstset::net {
namespace {

struct EasyFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct Sink {
    HttpResult* result;
    std::size_t max;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->result->body.size() + n > sink->max) {
        sink->too_large = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    sink->result->body.append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* result = static_cast<HttpResult*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.size() > 5 && strncasecmp(line.data(), "etag:", 5) == 0) {
        line.remove_prefix(5);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
        result->etag = std::string(line);
    }
    return n;
}

// One request on a handle of its own: the options every request shares, then `setup` for what is
// particular to GET or PUT. `headers` is taken over (freed here).
template <typename Setup>
HttpResult perform(const std::string& url, const HttpOptions& o, curl_slist* header_list, std::size_t max_body,
                   Setup&& setup) {
    global_init();
    HttpResult r;
    std::unique_ptr<curl_slist, ListFree> headers(header_list);
    std::unique_ptr<CURL, EasyFree> handle(curl_easy_init());
    if (!handle) {
        r.error = "curl_easy_init failed";
        return r;
    }
    CURL* curl = handle.get();
    Sink sink{&r, max_body};
    setup(curl);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, o.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!o.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, o.ca_file.c_str());
    if (!o.aws_sigv4.empty()) curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, o.aws_sigv4.c_str());
    if (!o.user_password.empty()) curl_easy_setopt(curl, CURLOPT_USERPWD, o.user_password.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "firstset/" FIRSTSET_VERSION_STRING);
    if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        r.transport_ok = false;
        r.error = sink.too_large ? "the response is larger than " + std::to_string(sink.max) + " bytes"
                                 : std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
        return r;
    }
    r.transport_ok = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    return r;
}

}  // namespace

std::string HttpResult::describe() const {
    return transport_ok ? "HTTP " + std::to_string(status) : error;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResult get(const std::string& url, const HttpOptions& options, std::string_view if_none_match) {
    curl_slist* headers = nullptr;
    if (!if_none_match.empty()) headers = curl_slist_append(nullptr, ("If-None-Match: " + std::string(if_none_match)).c_str());
    return perform(url, options, headers, options.max_body_bytes, [](CURL* curl) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip or deflate when the server offers it
    });
}

HttpResult put(const std::string& url, const HttpOptions& options, std::string_view body,
               const std::vector<std::string>& extra) {
    curl_slist* headers = nullptr;
    for (const auto& h : extra) headers = curl_slist_append(headers, h.c_str());
    // SigV4 for S3 signs the payload: the body is given whole (so libcurl hashes what it sends)
    // and its digest travels in x-amz-content-sha256, which S3 requires and the signature covers.
    // No "Expect:" header is set: libcurl would sign a header it then never sends.
    if (!options.aws_sigv4.empty())
        headers = curl_slist_append(headers, ("x-amz-content-sha256: " + sha256_hex(body)).c_str());
    return perform(url, options, headers, std::size_t{1} << 20, [&](CURL* curl) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    });
}

}  // namespace firstset::net
