#include "node/health.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace qtm::node {

bool HealthReport::ok() const noexcept {
    return std::all_of(checks.begin(), checks.end(), [](const HealthCheck& c) { return c.ok; });
}

std::string HealthReport::to_json() const {
    nlohmann::json failing = nlohmann::json::array();
    nlohmann::json by_name = nlohmann::json::object();
    for (const auto& check : checks) {
        if (!check.ok) failing.push_back(check.name);
        by_name[check.name] = {{"ok", check.ok}, {"detail", check.detail}};
    }
    return nlohmann::json{{"ready", ok()}, {"failing", failing}, {"checks", by_name}}.dump();
}

}  // namespace qtm::node
