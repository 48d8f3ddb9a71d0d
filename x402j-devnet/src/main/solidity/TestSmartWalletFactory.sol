// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestSmartWallet} from "./TestSmartWallet.sol";

/// @title TestSmartWalletFactory
/// @notice The factory of ERC-6492 tests: CREATE2-deploys a TestSmartWallet (ERC-1271, valid
/// signatures are its owner's ECDSA signatures), so a payment can be signed by a wallet that does
/// not exist yet and carry `deploy(owner, salt)` as its ERC-6492 factory call.
/// @dev Stateless and without immutables, so the devnet installs its runtime code at a fixed
/// address.
contract TestSmartWalletFactory {
    event WalletDeployed(address indexed wallet, address indexed owner, uint256 salt);

    /// @notice Deploys the wallet of (`owner`, `salt`) at predict(owner, salt); returns it
    /// unchanged when it is already deployed, as account factories do.
    function deploy(address owner, uint256 salt) external returns (address wallet) {
        wallet = predict(owner, salt);
        if (wallet.code.length > 0) {
            return wallet;
        }
        address created = address(new TestSmartWallet{salt: bytes32(salt)}(owner));
        require(created == wallet, "TestSmartWalletFactory: unexpected address");
        emit WalletDeployed(wallet, owner, salt);
    }

    /// @notice Where deploy(owner, salt) puts the wallet.
    function predict(address owner, uint256 salt) public view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(TestSmartWallet).creationCode, abi.encode(owner)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), bytes32(salt), initCodeHash)))));
    }
}
