// Result<T, E>: a value or a typed error, for input that comes from outside the process.
// C++20 has no std::expected (GCC 12 ships it only under C++23), so QTM carries this small
// subset of its interface; when the project moves to C++23 this becomes an alias.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace qtm {

// Wraps an error so that Result's constructor can tell it from a value of the same type.
template <class E>
struct Unexpected {
    E error;
};

template <class E>
[[nodiscard]] constexpr Unexpected<std::decay_t<E>> unexpected(E&& error) {
    return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class [[nodiscard]] Result {
public:
    using value_type = T;
    using error_type = E;

    template <class U = T>
    requires std::is_constructible_v<T, U&&>
    constexpr Result(U&& value) : storage_{std::in_place_index<0>, std::forward<U>(value)} {}
    template <class G>
    constexpr Result(Unexpected<G> error)
        : storage_{std::in_place_index<1>, std::move(error.error)} {}

    [[nodiscard]] constexpr bool has_value() const noexcept { return storage_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }

    // Accessing the wrong alternative is a programming error, not an input error.
    [[nodiscard]] constexpr T& value() & {
        assert(has_value());
        return *std::get_if<0>(&storage_);
    }
    [[nodiscard]] constexpr const T& value() const& {
        assert(has_value());
        return *std::get_if<0>(&storage_);
    }
    [[nodiscard]] constexpr T&& value() && {
        assert(has_value());
        return std::move(*std::get_if<0>(&storage_));
    }
    [[nodiscard]] constexpr const E& error() const& {
        assert(!has_value());
        return *std::get_if<1>(&storage_);
    }

    constexpr T& operator*() & { return value(); }
    constexpr const T& operator*() const& { return value(); }
    constexpr T&& operator*() && { return std::move(*this).value(); }
    constexpr T* operator->() { return &value(); }
    constexpr const T* operator->() const { return &value(); }

    template <class U>
    [[nodiscard]] constexpr T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, E> storage_;
};

// Result of an operation that yields nothing but may fail.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    using value_type = void;
    using error_type = E;

    constexpr Result() = default;
    template <class G>
    constexpr Result(Unexpected<G> error) : error_{std::move(error.error)}, ok_{false} {}

    [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    [[nodiscard]] constexpr const E& error() const& {
        assert(!ok_);
        return error_;
    }

private:
    E error_{};
    bool ok_{true};
};

}  // namespace qtm
