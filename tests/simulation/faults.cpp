#include <string>

#include "simulation.hpp"

namespace qtm::sim {

namespace {
constexpr FaultName kFaultNames[] = {
    {kFaultLoss, "loss"},       {kFaultDuplicate, "dup"},
    {kFaultReorder, "reorder"}, {kFaultPartition, "partition"},
    {kFaultCrash, "crash"},     {kFaultTorn, "torn"},
    {kFaultTwins, "twins"},     {kFaultEquivocate, "equivocate"},
    {kFaultStakes, "stakes"},   {kFaultPrecommitLoss, "precommit-loss"},
};
}  // namespace

std::span<const FaultName> fault_table() noexcept {
    return kFaultNames;
}

bool parse_faults(std::string_view list, std::uint32_t& faults, std::string& error) {
    faults = 0;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (name == "all") {
            faults |= kFaultAll;
            continue;
        }
        if (name == "none" || name.empty()) continue;
        bool known = false;
        for (const auto& [fault, fault_name] : fault_table()) {
            if (name == fault_name) {
                faults |= fault;
                known = true;
            }
        }
        if (!known) {
            error = "unknown fault '" + std::string{name} + "' (known: all, none";
            for (const auto& [fault, fault_name] : fault_table())
                error += std::string{", "} + fault_name;
            error += ")";
            return false;
        }
    }
    return true;
}

std::string fault_names(std::uint32_t faults) {
    std::string names;
    for (const auto& [fault, name] : fault_table()) {
        if ((faults & fault) == 0) continue;
        if (!names.empty()) names += ",";
        names += name;
    }
    return names.empty() ? "none" : names;
}

}  // namespace qtm::sim
