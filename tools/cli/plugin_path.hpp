// Which libfirstset.so a command-line tool loads: the --plugin option, else $FIRSTSET_PLUGIN, else
// the library built with the tool (in the build tree), else libfirstset.so.1 found by the dynamic
// loader (the installed package's, in the system's library folders).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace firstset::cli {

inline std::string plugin_path(std::string option, const char* built_with) {
    if (!option.empty()) return option;
    const char* env = std::getenv("FIRSTSET_PLUGIN");
    if (env && *env) return env;
    std::error_code ec;
    if (built_with && *built_with && std::filesystem::exists(built_with, ec)) return built_with;
    return "libfirstset.so.1";
}

}  // namespace firstset::cli
