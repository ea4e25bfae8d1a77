// Runs work whose stack use the plugin does not control (yaml-cpp's recursive descent) on a thread
// of its own with a large stack. A host calls firstset from threads whose stacks it chose — a JVM
// or a musl program may give 128 KiB — and yaml-cpp needs about 1 KiB a level on text nested a few
// hundred levels deep, which takes 2 KB to write: without this, such a file would crash the host
// on a small stack before any limit of firstset's own could refuse it.
#pragma once

#include <pthread.h>

#include <exception>
#include <new>
#include <optional>
#include <utility>

namespace firstset {

inline constexpr std::size_t large_stack_bytes = std::size_t{64} << 20;  // address space; pages are used as touched

// Calls f() on a new thread with a large_stack_bytes stack and waits for it; returns its result or
// rethrows its exception. Throws std::bad_alloc when no thread can be made.
template <typename F>
auto on_large_stack(F&& f) -> decltype(f()) {
    using Result = decltype(f());
    struct Job {
        F* f;
        std::optional<Result> result;
        std::exception_ptr error;
        static void* run(void* p) {
            auto* job = static_cast<Job*>(p);
            try {
                job->result.emplace((*job->f)());
            } catch (...) {
                job->error = std::current_exception();
            }
            return nullptr;
        }
    } job{&f, std::nullopt, nullptr};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) throw std::bad_alloc();
    pthread_attr_setstacksize(&attr, large_stack_bytes);
    pthread_t thread;
    const int rc = pthread_create(&thread, &attr, &Job::run, &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) throw std::bad_alloc();
    pthread_join(thread, nullptr);
    if (job.error) std::rethrow_exception(job.error);
    return std::move(*job.result);
}

}  // namespace firstset
