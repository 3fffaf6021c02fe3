// SPDX-License-Identifier: MIT
// An ERC-20 with an ERC-2612-style permit whose signature is QTM's (ML-DSA, through
// contracts/QtmSignatures.sol) instead of (v, r, s): the owner signs the EIP-712 Permit
// with eth_signTypedData_v4 or the SDK, anyone submits it. Deployed and used from ethers by
// tests/e2e/typed_data.test.mjs.
pragma solidity ^0.8.24;

import {QtmSignatures} from "QtmSignatures.sol";

contract PermitToken {
    string public constant name = "QTM Permit Token";
    string public constant version = "1";
    bytes32 public constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(address => uint256) public nonces;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                block.chainid,
                address(this)
            )
        );
    }

    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        bytes calldata publicKey,
        bytes calldata signature
    ) external {
        require(block.timestamp <= deadline, "permit: expired");
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonces[owner], deadline));
        bytes32 digest = QtmSignatures.typedDataDigest(DOMAIN_SEPARATOR(), structHash);
        require(QtmSignatures.isValidDigestSignature(owner, digest, publicKey, signature), "permit: invalid signature");
        nonces[owner] += 1;
        allowance[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "transferFrom: allowance");
        require(balanceOf[from] >= value, "transferFrom: balance");
        allowance[from][msg.sender] = allowed - value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
