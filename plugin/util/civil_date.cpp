#include "util/civil_date.hpp"

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <ctime>


namespace firstset {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain), proleptic Gregorian.
constexpr std::int32_t days_from_civil(int y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

constexpr YearMonthDay civil_from_days(std::int32_t z) noexcept {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

// Reads exactly n decimal digits at text[pos]; -1 when any is not a digit.
int digits(std::string_view text, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > text.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        char c = text[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::optional<YearMonthDay> parse_ymd(std::string_view text) noexcept {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1) return std::nullopt;
    if (static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m))) return std::nullopt;
    return YearMonthDay{y, static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

}  // namespace

bool is_leap_year(int y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(int y, unsigned m) noexcept {
    static constexpr unsigned table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap_year(y) ? 29 : table[m - 1];
}

Date Date::from_ymd(YearMonthDay v) noexcept { return Date(days_from_civil(v.year, v.month, v.day)); }

std::optional<Date> Date::parse(std::string_view text) noexcept {
    auto v = parse_ymd(text);
    if (!v) return std::nullopt;
    return from_ymd(*v);
}

YearMonthDay Date::ymd() const noexcept { return civil_from_days(days_); }

std::string Date::to_string() const {
    const auto v = ymd();
    // Written by hand to keep this off the hot path's heap. Parsed dates have years 1..9999; an
    // expiry computed from one (recognition in 9999 plus three years) may need a fifth digit, and
    // gets it rather than a wrong four-digit year.
    if (v.year < 1 || v.year > 9999) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%d-%02u-%02u", v.year, v.month, v.day);
        return buf;
    }
    std::string s(10, '0');
    int y = v.year;
    for (int i = 3; i >= 0; --i, y /= 10) s[static_cast<std::size_t>(i)] = static_cast<char>('0' + y % 10);
    s[4] = '-';
    s[5] = static_cast<char>('0' + v.month / 10);
    s[6] = static_cast<char>('0' + v.month % 10);
    s[7] = '-';
    s[8] = static_cast<char>('0' + v.day / 10);
    s[9] = static_cast<char>('0' + v.day % 10);
    return s;
}

Date Date::plus_years(int years) const noexcept {
    auto v = ymd();
    v.year += years;
    if (v.month == 2 && v.day == 29 && !is_leap_year(v.year)) {
        v.month = 3;
        v.day = 1;
    }
    return from_ymd(v);
}

std::optional<std::int64_t> unix_seconds_of(std::string_view t) noexcept {
    // date "T" time-hour ":" time-minute ":" time-second [ "." 1*DIGIT ] ( "Z" / offset )
    if (t.size() < 20) return std::nullopt;
    auto ymd = parse_ymd(t.substr(0, 10));
    if (!ymd || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':') return std::nullopt;
    int hh = digits(t, 11, 2), mm = digits(t, 14, 2), ss = digits(t, 17, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
    std::size_t pos = 19;
    if (pos < t.size() && t[pos] == '.') {
        std::size_t start = ++pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos >= t.size()) return std::nullopt;
    int offset_minutes = 0;
    if (t[pos] == 'Z' || t[pos] == 'z') {
        if (pos + 1 != t.size()) return std::nullopt;
    } else if (t[pos] == '+' || t[pos] == '-') {
        if (pos + 6 != t.size() || t[pos + 3] != ':') return std::nullopt;
        int oh = digits(t, pos + 1, 2), om = digits(t, pos + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
        offset_minutes = (oh * 60 + om) * (t[pos] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    // Local wall time minus its offset is UTC. A leap second (:60) counts as the minute's last
    // second: it belongs to the minute it ends, which never crosses a date by itself.
    const std::int64_t local_seconds =
        (static_cast<std::int64_t>(days_from_civil(ymd->year, ymd->month, ymd->day)) * 1440 + hh * 60 + mm) * 60 +
        std::min(ss, 59);
    return local_seconds - static_cast<std::int64_t>(offset_minutes) * 60;
}

std::optional<Date> china_date_of(std::string_view t) noexcept {
    const auto utc = unix_seconds_of(t);
    if (!utc) return std::nullopt;
    // Plus eight hours is China Standard Time.
    const std::int64_t china = *utc + 8 * 3600;
    std::int64_t day = china / 86400;
    if (china % 86400 < 0) --day;
    return Date::from_days(static_cast<std::int32_t>(day));
}

}  // namespace firstset

namespace firstset {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string utc_timestamp(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace firstset
