// SPDX-License-Identifier: MIT
// A counter that emits an event on each change: deployed and driven by the e2e tests
// (ethers, viem, cast) and by bench/rpc_bench.sh (its view function is the eth_call load).
pragma solidity ^0.8.24;

contract Counter {
    uint256 public count;
    address public owner;

    event Incremented(address indexed by, uint256 amount, uint256 newCount);

    error TooLarge(uint256 amount);

    constructor(uint256 start) {
        count = start;
        owner = msg.sender;
    }

    function increment(uint256 amount) external {
        if (amount > 1000) revert TooLarge(amount);
        count += amount;
        emit Incremented(msg.sender, amount, count);
    }

    function get() external view returns (uint256) {
        return count;
    }
}
