// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title TestSmartWallet
/// @notice A minimal smart-contract wallet for tests of ERC-1271 payments: a signature is valid
/// when it is the owner's ECDSA signature of the hash.
contract TestSmartWallet {
    bytes4 private constant ERC1271_MAGIC_VALUE = 0x1626ba7e;

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) {
            return 0xffffffff;
        }
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        address recovered = ecrecover(hash, v, r, s);
        return recovered != address(0) && recovered == owner ? ERC1271_MAGIC_VALUE : bytes4(0xffffffff);
    }
}
