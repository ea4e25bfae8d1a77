#include <catch2/catch.hpp>

#include "registry/registry.hpp"
#include "util/civil_date.hpp"

using namespace firstset;

static Date d(const char* s) {
    auto v = Date::parse(s);
    REQUIRE(v);
    return *v;
}

TEST_CASE("Rule D: dates are strict YYYY-MM-DD calendar days", "[dates]") {
    CHECK(Date::parse("2024-02-29"));
    CHECK_FALSE(Date::parse("2023-02-29"));  // not a leap year
    CHECK(Date::parse("2000-02-29"));        // divisible by 400
    CHECK_FALSE(Date::parse("1900-02-29"));  // divisible by 100 only
    CHECK_FALSE(Date::parse("2024-04-31"));
    CHECK_FALSE(Date::parse("2024-13-01"));
    CHECK_FALSE(Date::parse("2024-00-10"));
    CHECK_FALSE(Date::parse("2024-5-12"));
    CHECK_FALSE(Date::parse("2024/05/12"));
    CHECK_FALSE(Date::parse("2024-05-12T00:00:00"));
    CHECK(d("2024-05-12").to_string() == "2024-05-12");
    CHECK(d("2024-03-01").days() - d("2024-02-28").days() == 2);
    CHECK(d("1970-01-01").days() == 0);
}

TEST_CASE("Rule D: validity ends recognition date plus N years, exclusive, 29 February maps to 1 March", "[dates]") {
    CHECK(d("2024-05-12").plus_years(3) == d("2027-05-12"));
    CHECK(d("2024-02-29").plus_years(3) == d("2027-03-01"));
    CHECK(d("2024-02-29").plus_years(4) == d("2028-02-29"));  // the target year has a 29 February
    CHECK(d("2023-02-28").plus_years(1) == d("2024-02-28"));

    Certificate c;
    c.recognized_on = d("2024-02-29");
    CHECK(c.expiry(3) == d("2027-03-01"));
    c.valid_until = d("2026-12-20");  // an explicit valid_until wins over validity years
    CHECK(c.expiry(3) == d("2026-12-20"));
}

TEST_CASE("Rule D: the evaluation date is the bid deadline's calendar date in China Standard Time", "[dates]") {
    CHECK(china_date_of("2026-03-16T09:30:00+08:00") == d("2026-03-16"));
    CHECK(china_date_of("2026-03-16T23:59:59+08:00") == d("2026-03-16"));
    // 16:00 UTC is midnight in Chongqing: the next calendar day
    CHECK(china_date_of("2027-05-11T16:00:00Z") == d("2027-05-12"));
    CHECK(china_date_of("2027-05-11T15:59:59Z") == d("2027-05-11"));
    CHECK(china_date_of("2027-05-11T15:59:59.999z") == d("2027-05-11"));
    // a deadline written in New York time, 11:00 on the 11th, is 00:00 on the 12th in China
    CHECK(china_date_of("2027-05-11T11:00:00-05:00") == d("2027-05-12"));
    // crossing a year and a leap day
    CHECK(china_date_of("2023-12-31T20:00:00+00:00") == d("2024-01-01"));
    CHECK(china_date_of("2024-02-28T18:30:00+02:00") == d("2024-02-29"));
    // and backwards: an offset east of China can move the date back
    CHECK(china_date_of("2026-03-16T01:00:00+09:00") == d("2026-03-16"));
    CHECK(china_date_of("2026-03-16T00:30:00+09:00") == d("2026-03-15"));
}

TEST_CASE("Rule D: a deadline without an offset, or an impossible time, is not accepted", "[dates]") {
    CHECK_FALSE(china_date_of("2026-03-16T09:30:00"));        // no offset: the zone is unknown
    CHECK_FALSE(china_date_of("2026-03-16 09:30:00+08:00"));  // no T
    CHECK_FALSE(china_date_of("2026-03-16T24:00:00+08:00"));
    CHECK_FALSE(china_date_of("2026-03-16T09:60:00+08:00"));
    CHECK_FALSE(china_date_of("2026-02-30T09:30:00+08:00"));
    CHECK_FALSE(china_date_of("2026-03-16T09:30:00+8:00"));
    CHECK_FALSE(china_date_of("2026-03-16T09:30:00.+08:00"));
    CHECK_FALSE(china_date_of("2026-03-16T09:30:00+08:00 "));
    CHECK_FALSE(china_date_of(""));
}

TEST_CASE("Rule D: an expiry past the year 9999 is written with its five digits, never as a wrong year", "[dates]") {
    const Date d = *Date::parse("9999-05-12");
    CHECK(d.plus_years(3).to_string() == "10002-05-12");
    CHECK(d.to_string() == "9999-05-12");
    CHECK(Date::parse("0001-01-01")->to_string() == "0001-01-01");
}

TEST_CASE("Registry freshness: RFC 3339 date-times as Unix seconds, offsets and leap seconds included", "[dates]") {
    CHECK(unix_seconds_of("1970-01-01T00:00:00Z") == 0);
    CHECK(unix_seconds_of("2026-11-01T09:00:00+08:00") == unix_seconds_of("2026-11-01T01:00:00Z"));
    CHECK(*unix_seconds_of("2026-11-01T01:00:00Z") - *unix_seconds_of("2026-11-01T00:59:59.999Z") == 1);
    CHECK(unix_seconds_of("2016-12-31T23:59:60Z") == unix_seconds_of("2016-12-31T23:59:59Z"));
    CHECK_FALSE(unix_seconds_of("2026-11-01T09:00:00"));
    CHECK_FALSE(unix_seconds_of("2026-02-30T09:00:00Z"));
}
