// Overloaded{lambdas...}: one visitor for std::visit out of several lambdas, one per
// alternative of a variant (the engine's and the sync manager's actions).
#pragma once

namespace qtm {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace qtm
