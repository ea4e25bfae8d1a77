#include "util/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include "util/digest.hpp"

#include "util/error.hpp"

namespace firstset {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

[[noreturn]] void io_failure(const char* code, const std::filesystem::path& path, const std::string& what_en,
                             const std::string& what_zh, int e) {
    throw StatusError(Status::io, code, "cannot " + what_en + " " + path.string() + ": " + errno_text(e),
                "无法" + what_zh + " " + path.string() + "：" + errno_text(e), Location{"", path.string(), 0, 0});
}

const char* kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

const char* kind_of_zh(mode_t mode) {
    if (S_ISDIR(mode)) return "文件夹";
    if (S_ISFIFO(mode)) return "命名管道（FIFO）";
    if (S_ISLNK(mode)) return "符号链接";
    if (S_ISSOCK(mode)) return "套接字";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "设备";
    return "非普通文件";
}

std::string random_suffix() {
    return random_hex(6);
}

}  // namespace

ReadProblem read_regular_file(const std::filesystem::path& path, std::size_t max_bytes, std::string& out,
                              int* error_number) {
    out.clear();
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (error_number) *error_number = errno;
        return ReadProblem::unreadable;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        if (error_number) *error_number = errno;
        ::close(fd);
        return ReadProblem::unreadable;
    }
    if (!S_ISREG(st.st_mode)) {
        if (error_number) *error_number = static_cast<int>(st.st_mode);
        ::close(fd);
        return ReadProblem::not_regular;
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return ReadProblem::too_large;
    }
    out.reserve(static_cast<std::size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            if (error_number) *error_number = errno;
            ::close(fd);
            out.clear();
            return ReadProblem::unreadable;
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {  // it grew while being read
            ::close(fd);
            out.clear();
            return ReadProblem::too_large;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return ReadProblem::none;
}

std::string read_file_or_throw(const std::filesystem::path& path, std::size_t max_bytes, std::string_view what_en,
                               std::string_view what_zh, std::string_view pointer) {
    std::string out;
    int e = 0;
    const std::string file = path.string();
    const Location where{std::string(pointer), file, 0, 0};
    switch (read_regular_file(path, max_bytes, out, &e)) {
        case ReadProblem::none: return out;
        case ReadProblem::unreadable:
            throw StatusError(Status::io, "FILE_UNREADABLE",
                        "cannot read " + std::string(what_en) + " " + file + ": " + errno_text(e),
                        "无法读取" + std::string(what_zh) + " " + file + "：" + errno_text(e), where);
        case ReadProblem::not_regular:
            throw StatusError(Status::io, "NOT_A_FILE",
                        std::string(what_en) + " " + file + " is " + kind_of(static_cast<mode_t>(e)) +
                            ", not a regular file: it is not read",
                        std::string(what_zh) + " " + file + " 是" + kind_of_zh(static_cast<mode_t>(e)) + "，不是普通文件，不予读取",
                        where);
        case ReadProblem::too_large:
            throw StatusError(Status::limit, "FILE_TOO_LARGE",
                        std::string(what_en) + " " + file + " is larger than " + std::to_string(max_bytes) + " bytes",
                        std::string(what_zh) + " " + file + " 超过 " + std::to_string(max_bytes) + " 字节", where);
    }
    return out;
}

std::optional<std::string> read_whole_file(const std::filesystem::path& path, std::size_t max_bytes) {
    std::string out;
    if (read_regular_file(path, max_bytes, out) != ReadProblem::none) return std::nullopt;
    return out;
}

void sync_directory(const std::filesystem::path& dir) {
    const int d = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) return;
    ::fsync(d);
    ::close(d);
}

void create_directories_durably(const std::filesystem::path& dir, const char* code) {
    if (dir.empty()) return;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return;
    create_directories_durably(dir.parent_path(), code);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) io_failure(code, dir, "create the folder", "创建文件夹", errno);
    sync_directory(dir.parent_path());
}

void write_file_durably(const std::filesystem::path& path, std::string_view bytes, const char* code, mode_t mode) {
    const std::filesystem::path dir = path.parent_path();
    create_directories_durably(dir, code);
    // A name of our own that did not exist: nothing planted at a predictable name is followed.
    const std::filesystem::path tmp = path.string() + ".tmp-" + random_suffix();
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) io_failure(code, tmp, "create", "创建", errno);
    auto fail = [&](const char* what_en, const char* what_zh) {
        const int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        io_failure(code, path, what_en, what_zh, e);
    };
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            fail("write", "写入");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("sync", "同步");
    ::close(fd);
    // rename replaces whatever is at the name (a planted link included) and never follows it.
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        io_failure(code, path, "replace", "替换", e);
    }
    sync_directory(dir);
}

int open_owned_file(const std::filesystem::path& path, int flags, mode_t mode, const char* code) {
    const int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, mode);
    if (fd < 0) {
        const int e = errno;
        struct stat st {};
        if (e == ELOOP || ((e == ENXIO || e == EISDIR) && ::lstat(path.c_str(), &st) == 0)) {
            if (e == ELOOP) st.st_mode = S_IFLNK;
            throw StatusError(Status::io, "NOT_A_FILE",
                        path.string() + " is " + kind_of(st.st_mode) +
                            ", not a regular file; firstset does not follow or open it",
                        path.string() + " 是" + kind_of_zh(st.st_mode) + "，不是普通文件；firstset 不会跟随或打开它",
                        Location{"", path.string(), 0, 0});
        }
        io_failure(code, path, "open", "打开", e);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        io_failure(code, path, "open", "打开", e);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw StatusError(Status::io, "NOT_A_FILE",
                    path.string() + " is " + kind_of(st.st_mode) + ", not a regular file; firstset does not use it",
                    path.string() + " 是" + kind_of_zh(st.st_mode) + "，不是普通文件；firstset 不会使用它",
                    Location{"", path.string(), 0, 0});
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

}  // namespace firstset
