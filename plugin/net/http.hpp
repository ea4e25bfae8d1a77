// HTTP(S) GET and PUT through libcurl, for the registry refresh and the ledger shipper. One easy
// handle per call, so calls from different threads never share state. TLS peers are always
// verified (the system's CA store, or `ca_file`); there is no switch to turn that off.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace firstset::net {

struct HttpOptions {
    std::string ca_file;             // PEM bundle to trust instead of the system's; empty: the system's
    long connect_timeout_ms = 5000;  // TCP and TLS handshake
    long timeout_ms = 30000;         // the whole transfer
    std::string aws_sigv4;           // e.g. "aws:amz:us-east-1:s3": sign with AWS SigV4 (libcurl)
    std::string user_password;       // "user:password" for SigV4 (access key:secret) or basic auth
    std::size_t max_body_bytes = std::size_t{1} << 30;
};

struct HttpResult {
    bool transport_ok = false;  // false: no HTTP answer (refused, timed out, TLS failed, too large)
    std::string error;          // libcurl's explanation when !transport_ok
    long status = 0;            // HTTP status when transport_ok
    std::string body;
    std::string etag;           // the ETag header as sent, quotes included
    bool ok() const { return transport_ok && status >= 200 && status < 300; }
    // "HTTP 500" or the transport error, for logs and messages.
    std::string describe() const;
};

// Sets up libcurl once per process; safe to call from any thread.
void global_init();

HttpResult get(const std::string& url, const HttpOptions& options, std::string_view if_none_match = {});
HttpResult put(const std::string& url, const HttpOptions& options, std::string_view body,
               const std::vector<std::string>& headers = {});

}  // namespace firstset::net
