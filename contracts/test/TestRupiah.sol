// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestRupiah
/// @notice A 2-decimal rupiah ERC-20 with ERC-2612 permit standing in, on development chains,
/// for the rupiah stablecoin an Indonesian cooperative would be paid in (IDRT and IDRX also
/// have two decimals). Anyone may mint: it has no value and never reaches a live network.
contract TestRupiah is ERC20, ERC20Permit {
    constructor() ERC20("Test Rupiah", "tIDR") ERC20Permit("Test Rupiah") {}

    /// @notice Mints test rupiah to any account.
    /// @param to The receiver.
    /// @param amount The amount in sen (hundredths of a rupiah).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Two decimals: amounts are in sen.
    /// @return 2
    function decimals() public pure override returns (uint8) {
        return 2;
    }
}
