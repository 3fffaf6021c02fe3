// EIP-712 typed structured data (eth_signTypedData_v4): the digest
//
//   keccak256(0x19 0x01 || hashStruct("EIP712Domain", domain) || hashStruct(primaryType, message))
//
// with encodeType, typeHash, encodeData and hashStruct exactly as EIP-712 defines them
// (referenced struct types appended in name order; bytes/string hashed; arrays hashed over
// their elements' encodings; structs by hashStruct), and the v4 rules for arrays of
// structs. A primaryType of "EIP712Domain" hashes the domain alone, as ethers and MetaMask
// do. QTM signs the digest with ML-DSA (chain/message.hpp, sign_message_digest): the
// digest is Ethereum's, so contracts and tools compute the same one.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "rpc/json_rpc.hpp"

namespace qtm::rpc {

struct TypedDataDigest {
    Hash32 digest{};
    Hash32 domain_separator{};
    std::optional<std::uint64_t> chain_id;  // the domain's chainId, if it has one
};

// `typed_data` is {types, primaryType, domain, message}; `types` may leave out
// EIP712Domain, which is then derived from the domain's fields (name, version, chainId,
// verifyingContract, salt, in that order). The error says which field is wrong and why.
[[nodiscard]] Result<TypedDataDigest, std::string> typed_data_digest(const Json& typed_data);

// A method's typed-data parameter: the object, or a string holding it as JSON (what
// MetaMask, ethers and viem send). Throws RpcError -32602 with typed_data_digest's message,
// and for a domain whose chainId is not `chain_id` (a signature for another chain).
[[nodiscard]] TypedDataDigest typed_data_param_digest(const Json& value, std::uint64_t chain_id);

}  // namespace qtm::rpc
