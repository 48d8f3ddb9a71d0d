// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.17;

/// @title ERC20 (the part Permit2 uses)
/// @notice Stands in for `solmate/src/tokens/ERC20.sol` when the devnet compiles Uniswap Permit2:
/// `compile.mjs` remaps that import path here, so the vendored Permit2 sources stay unchanged
/// while no AGPL code is compiled into the devnet. Permit2 uses `ERC20` only as a type for token
/// addresses (with `SafeTransferLib`) and, in `Permit2Lib`, for the selectors of these functions
/// and a `nonces` read; it never inherits from it, so an interface is all it needs.
/// @dev Only the functions Permit2's sources name are declared. Their signatures are those of
/// ERC-20 and EIP-2612, so every selector is the standard one.
interface ERC20 {
    /// @notice ERC-20: moves `amount` from `from` to `to` using the caller's allowance.
    function transferFrom(address from, address to, uint256 amount) external returns (bool);

    /// @notice EIP-2612: the token's EIP-712 domain separator.
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice EIP-2612: the next permit nonce of `owner`.
    function nonces(address owner) external view returns (uint256);

    /// @notice EIP-2612: sets `spender`'s allowance over `owner`'s tokens with `owner`'s signature.
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;
}
