// The allocator RapidJSON parse stacks are given in firstset (the plugin's reader, the usage
// report's record documents): malloc, as RapidJSON's default CrtAllocator, under a type of our own,
// so that the fix below applies to our stacks alone.
//
// RapidJSON 1.1.0's Stack::Reserve tests `stackTop_ + n > stackEnd_` while the stack is still
// unallocated (null): arithmetic on a null pointer, undefined behaviour that clang's
// UndefinedBehaviorSanitizer stops at on the first parse. This is the test as later RapidJSON
// writes it: a difference, which is 0 for two null pointers.
#pragma once

#include <rapidjson/allocators.h>
#include <rapidjson/internal/stack.h>

#include <cstddef>

namespace firstset::json {
struct ParseStackAllocator : rapidjson::CrtAllocator {};
}  // namespace firstset::json

namespace rapidjson::internal {
template <>
template <typename T>
RAPIDJSON_FORCEINLINE void Stack<firstset::json::ParseStackAllocator>::Reserve(size_t count) {
    if (RAPIDJSON_UNLIKELY(static_cast<std::ptrdiff_t>(sizeof(T) * count) > stackEnd_ - stackTop_)) Expand<T>(count);
}
}  // namespace rapidjson::internal
