// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// The read-batching contract public chains have at 0xcA11bde05977b3631167028862bE2a173976CA11
/// (Multicall3), reduced to the two functions clients batch through: aggregate3 and tryAggregate.
/// The devnet installs it at that address so that software batching reads through it (the official
/// x402 facilitator's diagnostics, viem's multicall) works as it does on a public chain.
contract Multicall {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Call {
        address target;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// Makes each call in turn; a failing call reverts everything unless it allows failure.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            require(success || calls[i].allowFailure, "Multicall: call failed");
            results[i] = Result(success, data);
        }
    }

    /// Makes each call in turn; a failing call reverts everything only if requireSuccess is set.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        external
        payable
        returns (Result[] memory results)
    {
        results = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            require(success || !requireSuccess, "Multicall: call failed");
            results[i] = Result(success, data);
        }
    }
}
