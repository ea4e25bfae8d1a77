#include <catch2/catch.hpp>

#include <string>

#include "util/uscc.hpp"

using namespace firstset;

TEST_CASE("Rule C.5: a USCC has 18 characters from 0-9A-HJ-NPQRTUWXY", "[uscc]") {
    CHECK(uscc::well_formed("91500107MA60AB1C2W"));
    CHECK(uscc::well_formed("91500107EXAMPLE01K"));
    CHECK_FALSE(uscc::well_formed("91500107MA60AB1C2"));    // 17 characters
    CHECK_FALSE(uscc::well_formed("91500107MA60AB1C2WX"));  // 19 characters
    CHECK_FALSE(uscc::well_formed(""));
    for (char excluded : std::string("IOSVZ")) {  // letters GB 32100 leaves out
        std::string code = "91500107MA60AB1C2W";
        code[9] = excluded;
        CHECK_FALSE(uscc::well_formed(code));
    }
    CHECK_FALSE(uscc::well_formed("91500107ma60ab1c2w"));  // lower case is not in the alphabet
    CHECK_FALSE(uscc::well_formed("91500107MA60AB1C2Ｗ"));  // a full-width letter is not either
}

TEST_CASE("Rule C.5: the check character is 31 - (sum c_i * 3^(i-1) mod 31), 31 written as 0", "[uscc]") {
    // The contract's example and the sample data's codes carry right check characters.
    for (const char* code : {"91500107MA60AB1C2W", "91500107EXAMPLE01K", "91500105EXAMPLE02R", "91500112EXAMPLE031",
                             "91500000EXAMPLE04J", "91510100EXAMPLE062"}) {
        INFO(code);
        CHECK(uscc::checksum_ok(code));
        CHECK(uscc::check_character(std::string(code).substr(0, 17)) == code[17]);
    }
    // A wrong check character is well-formed but fails the check (USCC_CHECKSUM, not a schema error).
    CHECK(uscc::well_formed("91500000EXAMPLE11B"));
    CHECK_FALSE(uscc::checksum_ok("91500000EXAMPLE11B"));
    CHECK(uscc::check_character("91500000EXAMPLE11") == 'A');
}

TEST_CASE("Rule C.5: a sum that is already a multiple of 31 gives the check character 0", "[uscc]") {
    // The 17th weight is invertible mod 31, so exactly one 17th character makes the sum 0 mod 31.
    std::string prefix = "9100000000000000";
    bool found = false;
    for (char c : uscc::alphabet) {
        std::string p17 = prefix + c;
        auto check = uscc::check_character(p17);
        REQUIRE(check);
        int weight = 1, sum = 0;
        for (char x : p17) {
            sum = (sum + static_cast<int>(uscc::alphabet.find(x)) * weight) % 31;
            weight = weight * 3 % 31;
        }
        if (sum == 0) {
            CHECK(*check == '0');
            CHECK(uscc::checksum_ok(p17 + '0'));
            found = true;
        }
    }
    CHECK(found);
}
