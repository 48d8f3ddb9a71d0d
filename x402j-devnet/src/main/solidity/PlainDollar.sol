// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title PlainDollar
/// @notice A plain ERC-20 for local chains only, 6 decimals: no EIP-3009, no EIP-2612 and no
/// EIP-712 domain, so the only way to pay with it without the payer sending a transaction is
/// Permit2 (after an approval). The deployer can mint; never deploy it where tokens have value.
contract PlainDollar {
    uint8 public constant decimals = 6;

    string public name;
    string public symbol;
    address public owner;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_) {
        name = name_;
        symbol = symbol_;
        owner = msg.sender;
    }

    function mint(address to, uint256 value) external {
        require(msg.sender == owner, "PlainDollar: caller is not the owner");
        require(to != address(0), "PlainDollar: mint to the zero address");
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "PlainDollar: transfer amount exceeds allowance");
        if (allowed != type(uint256).max) {
            allowance[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) private {
        require(to != address(0), "PlainDollar: transfer to the zero address");
        uint256 balance = balanceOf[from];
        require(balance >= value, "PlainDollar: transfer amount exceeds balance");
        unchecked {
            balanceOf[from] = balance - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
