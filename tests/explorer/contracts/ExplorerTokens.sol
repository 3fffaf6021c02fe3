// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The two token kinds the explorer decodes, as small as their events allow: an ERC-20 with
// metadata (the whole supply minted to the deployer) and an ERC-721 that anyone can mint.

contract ExplorerCoin {
    string public constant name = "Explorer Coin";
    string public constant symbol = "EXC";
    uint8 public constant decimals = 6;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        require(balanceOf[msg.sender] >= value, "balance too low");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}

contract ExplorerArt {
    string public constant name = "Explorer Art";
    string public constant symbol = "EXA";
    uint256 public totalSupply;
    mapping(uint256 => address) public ownerOf;

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);

    function mint(address to, uint256 tokenId) external {
        require(ownerOf[tokenId] == address(0), "minted");
        ownerOf[tokenId] = to;
        totalSupply += 1;
        emit Transfer(address(0), to, tokenId);
    }
}
