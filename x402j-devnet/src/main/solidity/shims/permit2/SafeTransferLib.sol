// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.17;

import {ERC20} from "./ERC20.sol";

/// @title SafeTransferLib (the part Permit2 uses)
/// @notice Stands in for `solmate/src/utils/SafeTransferLib.sol` when the devnet compiles Uniswap
/// Permit2 (`compile.mjs` remaps that import path here). Permit2 calls only `safeTransferFrom`.
library SafeTransferLib {
    /// @notice Calls `token.transferFrom(from, to, amount)` and reverts with
    /// `Error("TRANSFER_FROM_FAILED")` unless the call succeeded and the token either returned
    /// nothing (tokens such as USDT that predate the boolean return) or returned at least one word
    /// whose first word is exactly 1 (`true`). Any other answer (a revert, `false`, a short or
    /// otherwise malformed return) is a failure.
    /// @dev The same outcomes and revert data as the library the deployed Permit2 was built with,
    /// so the devnet's Permit2 fails where the public one does. Like that library, this does not
    /// check that `token` has code: a call to an address without code succeeds with no return
    /// data and counts as a transfer. Only the first 32 bytes of the return data are copied, so
    /// a token answering with a large return costs no more memory than a normal one.
    function safeTransferFrom(ERC20 token, address from, address to, uint256 amount) internal {
        bytes memory data = abi.encodeCall(ERC20.transferFrom, (from, to, amount));
        bool called;
        uint256 returned;
        uint256 firstWord;
        assembly ("memory-safe") {
            called := call(gas(), token, 0, add(data, 0x20), mload(data), 0, 0)
            returned := returndatasize()
            if gt(returned, 0x1f) {
                // Scratch space (0x00-0x3f) may be overwritten by memory-safe assembly.
                returndatacopy(0, 0, 0x20)
                firstWord := mload(0)
            }
        }
        bool accepted = returned == 0 || (returned >= 32 && firstWord == 1);
        require(called && accepted, "TRANSFER_FROM_FAILED");
    }
}
