// RLP, Ethereum's Recursive Length Prefix encoding: the whole API in one include.
#pragma once

#include "codec/rlp_decode.hpp"
#include "codec/rlp_encode.hpp"
#include "codec/rlp_error.hpp"
