#include "keys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/error.hpp"
#include "util/file_io.hpp"
#include "util/signing.hpp"

namespace tool {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_new(const std::string& path, const std::string& text, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string keygen(const std::string& name, const std::string& prefix, firstset::KeyAlgorithm algorithm) {
    if (!firstset::valid_key_name(name)) throw std::runtime_error("a key name has no spaces and no '+'");
    const firstset::SignerKey key = firstset::generate_signer_key(name, algorithm);
    write_new(prefix + ".key", key.text() + "\n", 0600);
    write_new(prefix + ".pub", key.verifier().text() + "\n", 0644);
    firstset::sync_directory(std::filesystem::path(prefix).parent_path());
    return key.verifier().text();
}

std::string sign_file(const std::string& key_file, const std::string& document) {
    std::string why;
    const auto key = firstset::read_signer_key_file(key_file, why);
    if (!key) throw std::runtime_error(key_file + " holds no signer key: " + why);
    const std::string sig = firstset::sign_message(*key, read_file(document));
    const std::string out = document + ".sig";
    // A new temporary file beside it (never through a link planted at a fixed name), then rename.
    try {
        firstset::write_file_durably(out, firstset::base64_encode(sig) + "\n",
                                     "SIGNATURE_WRITE_FAILED", 0644);
    } catch (const firstset::StatusError& e) {
        throw std::runtime_error(e.what());
    }
    return out;
}

}  // namespace tool
