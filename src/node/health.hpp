// What /ready answers: each readiness check by name, whether it passes, and why not. A load
// balancer or Kubernetes reads only the status code (200 ready, 503 not); an operator reads
// the JSON body, which names the failing check.
#pragma once

#include <string>
#include <vector>

namespace qtm::node {

struct HealthCheck {
    std::string name;  // stable: "database_writable", "producing_blocks", "synced"
    bool ok{false};
    std::string detail;  // what was seen, and for a failure what to look at
};

struct HealthReport {
    std::vector<HealthCheck> checks;

    [[nodiscard]] bool ok() const noexcept;
    // {"ready":false,"failing":["producing_blocks"],"checks":{"producing_blocks":{"ok":false,
    //  "detail":"..."},...}}
    [[nodiscard]] std::string to_json() const;
};

}  // namespace qtm::node
