// The StatusError a call throws, for tests on the core that check its code, status and place.
#pragma once

#include <catch2/catch.hpp>

#include <stdexcept>

#include "util/error.hpp"

namespace test {

// The StatusError f throws; the test fails when it throws none.
template <typename F>
firstset::StatusError error_of(F&& f) {
    try {
        f();
    } catch (const firstset::StatusError& e) {
        return e;
    }
    FAIL("no error");
    throw std::logic_error("unreachable");
}

}  // namespace test
