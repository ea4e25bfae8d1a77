// The plugin's file access, in one place so every rule holds everywhere:
//   - a file is read only when it is a regular file (never a FIFO, device, socket or folder,
//     which could block a call for ever or never end) and only up to a stated size;
//   - a file the plugin creates is created with O_NOFOLLOW and O_EXCL where it must be new, so a
//     symbolic link planted at its name cannot redirect or truncate another file, and with mode
//     0600, because ledgers, their locks and keys name decision-makers or hold secrets;
//   - a folder is fsynced after every create and rename in it, so a new name survives a crash.
// Errors are StatusError(IO) naming the file and the system's reason.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

// Why a read failed (read_regular_file).
enum class ReadProblem { none, unreadable, not_regular, too_large };

// Reads the whole of a regular file of at most max_bytes into `out`. Follows symbolic
// links (configuration files are often linked), then checks what it opened. On failure `out` is
// empty and *error_number holds errno for `unreadable`.
ReadProblem read_regular_file(const std::filesystem::path& path, std::size_t max_bytes, std::string& out,
                              int* error_number = nullptr);

// The same, throwing StatusError: IO (FILE_UNREADABLE, NOT_A_FILE) or LIMIT (FILE_TOO_LARGE), located at
// the file (and `pointer` into the request that named it, when there is one). `what` says what
// the file is, in English and Chinese ("the checkpoint", "检查点").
std::string read_file_or_throw(const std::filesystem::path& path, std::size_t max_bytes, std::string_view what_en,
                               std::string_view what_zh, std::string_view pointer = {});

// The whole file, or nullopt when it cannot be read (missing, not a regular file, too large).
std::optional<std::string> read_whole_file(const std::filesystem::path& path, std::size_t max_bytes);

// Replaces path atomically and durably: a new temporary file beside it (O_EXCL | O_NOFOLLOW,
// `mode`), fsync, rename, fsync of the folder. Throws StatusError(IO, code) naming the file and the
// system's reason.
void write_file_durably(const std::filesystem::path& path, std::string_view bytes, const char* code = "FILE_WRITE_FAILED",
                        mode_t mode = 0600);

// Creates a folder and any missing parents (mode 0700), fsyncing each parent after a creation so
// that the new names are on disk. Throws StatusError(IO, code).
void create_directories_durably(const std::filesystem::path& dir, const char* code = "FILE_WRITE_FAILED");

// fsync of a folder (best effort: a file system that cannot sync folders is not an error).
void sync_directory(const std::filesystem::path& dir);

// Opens (creating with `mode` if absent) a file the plugin owns beside a ledger: never through a
// symbolic link, and only a regular file. Returns the descriptor; throws StatusError(IO, code) naming
// the file: NOT_A_FILE when something else (a link, a FIFO, a folder) is at the name.
int open_owned_file(const std::filesystem::path& path, int flags, mode_t mode, const char* code);

}  // namespace firstset
