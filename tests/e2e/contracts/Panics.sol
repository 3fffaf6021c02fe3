// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Each function fails in one of Solidity's standard ways, so that the node's revert
// messages can be compared with geth's.
contract Panics {
    uint8[] private items;

    function assertFalse() external pure {
        assert(false);
    }

    function underflow(uint256 x) external pure returns (uint256) {
        return x - 1;
    }

    function divide(uint256 x, uint256 y) external pure returns (uint256) {
        return x / y;
    }

    function popEmpty() external {
        items.pop();
    }

    function outOfBounds(uint256 i) external view returns (uint8) {
        return items[i];
    }

    function requireWithReason() external pure {
        require(false, "no way");
    }

    function blobBaseFee() external view returns (uint256) {
        return block.blobbasefee;
    }
}
