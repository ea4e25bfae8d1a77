/* Built into libfirstset.so only when its dependencies are linked statically (FIRSTSET_STATIC_DEPS).
 *
 * Debian's libyaml-cpp.a and libhs.a are compiled without -fPIC. The C++ runtime's inline code in
 * them reads glibc's __libc_single_threaded with a PC-relative reference, which a shared library
 * can only resolve to a symbol of its own. This hidden definition is that symbol: always 0, "more
 * than one thread", so the library's C++ runtime always takes its atomic (thread-safe) paths; it
 * is never exported (firstset.map) and the process's own flag is untouched. */
char __libc_single_threaded __attribute__((visibility("hidden"))) = 0;
