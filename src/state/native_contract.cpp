#include "state/native_contract.hpp"

#include <stdexcept>

namespace qtm::state {

void NativeContracts::add(const Address& address, std::shared_ptr<const NativeContract> contract) {
    if (!contract) throw std::invalid_argument("NativeContracts::add: null contract");
    if (!contracts_.emplace(address, std::move(contract)).second) {
        throw std::invalid_argument("NativeContracts::add: address registered twice");
    }
}

const NativeContract* NativeContracts::find(const Address& address) const noexcept {
    const auto it = contracts_.find(address);
    return it == contracts_.end() ? nullptr : it->second.get();
}

}  // namespace qtm::state
