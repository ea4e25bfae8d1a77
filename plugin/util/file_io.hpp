// Small file helpers shared by the registry cache, the checkpoint writer and the shipper's cursor.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

// Replaces path atomically and durably: a temporary file beside it, fsync, rename, fsync of the
// folder. Throws Error(IO, code) naming the file and the system's reason.
void write_file_durably(const std::filesystem::path& path, std::string_view bytes, const char* code = "FILE_WRITE_FAILED");

// The whole file, or nullopt when it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace firstset
