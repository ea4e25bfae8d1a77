// Calendar dates for Rule D: certificates are valid on calendar dates in China Standard Time
// (UTC+08:00, no daylight saving). A Date is a day number, so comparisons and "inclusive from,
// exclusive until" are plain integer comparisons.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace firstset {

struct YearMonthDay {
    int year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

class Date {
public:
    constexpr Date() = default;
    static Date from_ymd(YearMonthDay ymd) noexcept;
    static constexpr Date from_days(std::int32_t days) noexcept { return Date(days); }

    // Strict "YYYY-MM-DD" (years 0001-9999) naming a real calendar day; nullopt otherwise.
    static std::optional<Date> parse(std::string_view text) noexcept;

    YearMonthDay ymd() const noexcept;
    std::string to_string() const;  // "YYYY-MM-DD"
    std::int32_t days() const noexcept { return days_; }  // since 1970-01-01

    // The same day `years` calendar years later; 29 February maps to 1 March when the
    // target year has no 29 February (Rule D).
    Date plus_years(int years) const noexcept;

    friend constexpr bool operator==(Date a, Date b) noexcept { return a.days_ == b.days_; }
    friend constexpr bool operator!=(Date a, Date b) noexcept { return a.days_ != b.days_; }
    friend constexpr bool operator<(Date a, Date b) noexcept { return a.days_ < b.days_; }
    friend constexpr bool operator<=(Date a, Date b) noexcept { return a.days_ <= b.days_; }
    friend constexpr bool operator>(Date a, Date b) noexcept { return a.days_ > b.days_; }
    friend constexpr bool operator>=(Date a, Date b) noexcept { return a.days_ >= b.days_; }

private:
    constexpr explicit Date(std::int32_t days) : days_(days) {}
    std::int32_t days_ = 0;
};

bool is_leap_year(int year) noexcept;
unsigned days_in_month(int year, unsigned month) noexcept;

// An RFC 3339 date-time with a mandatory offset ("2026-03-16T09:30:00+08:00", "...Z"),
// reduced to the calendar date it falls on in China Standard Time (UTC+08:00). nullopt when
// the text is not such a date-time or names an impossible time.
std::optional<Date> china_date_of(std::string_view rfc3339) noexcept;

// An RFC 3339 date-time with a mandatory offset, as Unix seconds (fractions dropped); nullopt as
// for china_date_of.
std::optional<std::int64_t> unix_seconds_of(std::string_view rfc3339) noexcept;

// Now, in Unix seconds.
std::int64_t unix_now();

// Unix seconds as RFC 3339 in UTC: "2026-11-22T03:04:05Z".
std::string utc_timestamp(std::int64_t unix_seconds);

}  // namespace firstset
