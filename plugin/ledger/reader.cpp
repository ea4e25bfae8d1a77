#include "ledger/reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/format.hpp"
#include "util/error.hpp"

namespace firstset::ledger {

std::size_t LedgerReader::read(std::uint64_t last_seq, std::size_t max_bytes, std::string& out) {
    if (last_seq <= pos_.seq) return 0;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    auto fail = [&](const char* what) {
        const int e = errno;
        if (fd >= 0) ::close(fd);
        throw StatusError(Status::io, "LEDGER_READ_FAILED",
                    std::string("cannot read the ledger ") + path_.string() + " (" + what + "): " + std::strerror(e),
                    "无法读取账本 " + path_.string() + "（" + what + "）：" + std::strerror(e));
    };
    if (fd < 0) fail("open");
    std::string buf;
    std::size_t count = 0;
    std::uint64_t offset = pos_.offset;
    std::string chunk(std::max<std::size_t>(64 * 1024, std::min<std::size_t>(max_bytes, 4 << 20)), '\0');
    std::string id;
    while (pos_.seq < last_seq) {
        const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("pread");
        if (n == 0) break;  // the writer has not got this far on disk yet
        buf.append(chunk.data(), static_cast<std::size_t>(n));
        offset += static_cast<std::uint64_t>(n);
        std::size_t start = 0;
        bool full = false;
        for (std::size_t end; pos_.seq < last_seq && (end = buf.find('\n', start)) != std::string::npos; start = end + 1) {
            const std::size_t len = end + 1 - start;
            if (count > 0 && out.size() + len > max_bytes) {
                full = true;
                break;
            }
            const std::string_view line = std::string_view(buf).substr(start, len - 1);
            if (pos_.seq == 0) {
                // The genesis record names the chain hash (a bad one: verification reports it).
                const auto fields = read_fields(line);
                if (fields) sha_.use(genesis_hash(fields->body).value_or(HashAlgorithm::sha256));
            }
            sha_.hex(line, id);
            out.append(buf, start, len);
            pos_.seq += 1;
            pos_.offset += len;
            pos_.id = id;
            ++count;
        }
        if (full) break;
        buf.erase(0, start);
    }
    ::close(fd);
    return count;
}

}  // namespace firstset::ledger
