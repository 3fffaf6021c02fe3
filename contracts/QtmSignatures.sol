// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Verifying QTM (ML-DSA) message and EIP-712 signatures on chain
/// @notice What `ecrecover` does for Ethereum signatures, for the signatures that QTM's
///         eth_sign, personal_sign and eth_signTypedData_v4 return (and the SDK's
///         signMessage / signDigest / signTypedData): `scheme_id || ML-DSA signature` of a
///         32-byte digest under the context "qtm/msg/v1" (docs/protocol.md, "Signed
///         messages"). ML-DSA has no key recovery, so the caller passes the signer's public
///         key (qtm_getPublicKey, without the scheme byte); the library checks that the key
///         is the signer's (address = keccak256(scheme_id || public_key)[12:]) and asks the
///         ML-DSA precompile at 0x0d01 whether the signature verifies.
/// @dev Gas: the precompile's 4,500 / 7,000 / 11,000 (ML-DSA-44/65/87) + 6 per word of its
///      ~3.8-7.3 KB input, plus the calldata of key and signature.
library QtmSignatures {
    address internal constant MLDSA_VERIFY = address(0x0d01);
    bytes internal constant MESSAGE_CONTEXT = "qtm/msg/v1";

    /// @notice The address of a QTM account with this scheme and public key.
    function addressOf(uint8 scheme, bytes calldata publicKey) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(scheme, publicKey)))));
    }

    /// @notice Whether `signature` (scheme_id || ML-DSA signature) signs `digest` for
    ///         `signer`, whose public key is `publicKey`. False for a key that is not the
    ///         signer's, a scheme the key does not match, or a signature that does not verify.
    function isValidDigestSignature(
        address signer,
        bytes32 digest,
        bytes calldata publicKey,
        bytes calldata signature
    ) internal view returns (bool) {
        if (signature.length < 2) return false;
        uint8 scheme = uint8(signature[0]);
        if (!_sizesMatch(scheme, publicKey.length, signature.length - 1)) return false;
        if (addressOf(scheme, publicKey) != signer) return false;
        bytes memory input = abi.encodePacked(
            scheme, publicKey, signature[1:], uint8(MESSAGE_CONTEXT.length), MESSAGE_CONTEXT, digest
        );
        (bool ok, bytes memory output) = MLDSA_VERIFY.staticcall(input);
        return ok && output.length == 32 && abi.decode(output, (uint256)) == 1;
    }

    /// @notice EIP-712: keccak256(0x19 0x01 || domainSeparator || structHash).
    function typedDataDigest(bytes32 domainSeparator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", domainSeparator, structHash));
    }

    // FIPS 204 sizes; a malformed input would make the precompile consume all its gas.
    function _sizesMatch(uint8 scheme, uint256 keyLength, uint256 signatureLength) private pure returns (bool) {
        if (scheme == 1) return keyLength == 1312 && signatureLength == 2420;
        if (scheme == 2) return keyLength == 1952 && signatureLength == 3309;
        if (scheme == 3) return keyLength == 2592 && signatureLength == 4627;
        return false;
    }
}
