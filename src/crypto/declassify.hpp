// Marks secret-derived bytes as public for the constant-time check: under valgrind memcheck
// (tests/crypto/*_ct.cpp mark secrets "undefined"), a branch or memory index on undefined
// data is reported; values the algorithm publishes anyway are declassified here, each call
// with a comment saying why the value is public. Outside valgrind this costs a few
// instructions and does nothing.
#pragma once

#include <cstddef>

#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define QTM_HAVE_MEMCHECK 1
#endif

namespace qtm::crypto {

inline void declassify(const void* data, std::size_t size) noexcept {
#ifdef QTM_HAVE_MEMCHECK
    (void)VALGRIND_MAKE_MEM_DEFINED(data, size);
#else
    (void)data;
    (void)size;
#endif
}

}  // namespace qtm::crypto
