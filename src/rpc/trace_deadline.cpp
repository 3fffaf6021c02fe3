#include "rpc/trace_deadline.hpp"

#include <cmath>
#include <string>

namespace qtm::rpc {

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
    if (text == "0") return std::chrono::nanoseconds{0};
    if (text.empty() || text.front() == '-') return std::nullopt;
    if (text.front() == '+') text.remove_prefix(1);
    long double total = 0;
    bool any = false;
    while (!text.empty()) {
        std::size_t digits = 0;
        while (digits < text.size() &&
               ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
            ++digits;
        }
        if (digits == 0) return std::nullopt;
        const std::string number{text.substr(0, digits)};
        if (number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
        text.remove_prefix(digits);
        std::size_t unit_size = 0;
        while (unit_size < text.size() && !(text[unit_size] >= '0' && text[unit_size] <= '9') &&
               text[unit_size] != '.') {
            ++unit_size;
        }
        const std::string_view unit = text.substr(0, unit_size);
        text.remove_prefix(unit_size);
        long double scale = 0;
        if (unit == "ns") {
            scale = 1;
        } else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") {
            scale = 1e3L;
        } else if (unit == "ms") {
            scale = 1e6L;
        } else if (unit == "s") {
            scale = 1e9L;
        } else if (unit == "m") {
            scale = 60e9L;
        } else if (unit == "h") {
            scale = 3600e9L;
        } else {
            return std::nullopt;  // a missing or unknown unit
        }
        total += std::stold(number) * scale;
        any = true;
    }
    // Go's limit: about 290 years in nanoseconds.
    if (!any || total > 9.2e18L) return std::nullopt;
    return std::chrono::nanoseconds{static_cast<std::int64_t>(std::llround(total))};
}

}  // namespace qtm::rpc
