// Loading a registry in a process of its own, so that its memory is its own: the time, the
// resident memory the loaded registry keeps and the most resident during the load, over the
// process's resident memory before it. Shared by the benchmarks, whose main() calls
// load_child_main first.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "registry/registry.hpp"

namespace bench {

inline long resident_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return -1;
}

struct LoadFigures {
    double seconds = 0;
    long before_kib = 0, after_kib = 0, peak_kib = 0;
    std::size_t certificates = 0;
};

// In the child, a fresh process (this program again): loads the registry and writes its figures
// to the descriptor. Called first thing in main(); false when the process is not such a child.
inline bool load_child_main(int argc, char** argv) {
    if (argc != 4 || std::strcmp(argv[1], "--firstset-load-registry") != 0) return false;
    const int fd = std::atoi(argv[3]);
    LoadFigures f;
    std::ofstream("/proc/self/clear_refs") << "5";  // restart the peak at the current size
    f.before_kib = resident_kib("VmRSS:");
    const auto started = std::chrono::steady_clock::now();
    firstset::Registry r = firstset::Registry::load(argv[2]);
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    f.certificates = r.size();
    f.after_kib = resident_kib("VmRSS:");
    f.peak_kib = resident_kib("VmHWM:");
    if (write(fd, &f, sizeof f) != static_cast<ssize_t>(sizeof f)) _exit(1);
    _exit(0);
}

// Loads the registry in a new process, so that nothing the benchmark did before (an engine with a
// registry of its own, freed pages) counts in its memory.
inline LoadFigures load_in_child(const std::filesystem::path& file) {
    int fds[2];
    if (pipe(fds) != 0) std::abort();
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        const std::string path = file.string(), fd = std::to_string(fds[1]);
        execl("/proc/self/exe", "firstset-bench-load", "--firstset-load-registry", path.c_str(), fd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    LoadFigures f;
    if (read(fds[0], &f, sizeof f) != static_cast<ssize_t>(sizeof f)) std::abort();
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return f;
}

// A benchmark's loop over loads of one registry file, and its counters.
inline void load_loop(benchmark::State& state, const std::filesystem::path& file) {
    LoadFigures f;
    for (auto _ : state) {
        f = load_in_child(file);
        state.SetIterationTime(f.seconds);
    }
    state.counters["certificates"] = static_cast<double>(f.certificates);
    state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(file)) / (1024.0 * 1024.0);
    state.counters["retained_MB"] = static_cast<double>(f.after_kib - f.before_kib) / 1024.0;
    state.counters["peak_MB"] = static_cast<double>(f.peak_kib - f.before_kib) / 1024.0;
}

// main() of a benchmark program that loads registries in processes of its own.
inline int main(int argc, char** argv) {
    if (load_child_main(argc, argv)) return 0;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace bench
