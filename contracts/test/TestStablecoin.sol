// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestStablecoin
/// @notice A 6-decimal ERC-20 with ERC-2612 permit standing in for the union's stablecoin on
/// development chains. Anyone may mint: it has no value and never reaches a live network.
contract TestStablecoin is ERC20, ERC20Permit {
    constructor() ERC20("Test USD", "tUSD") ERC20Permit("Test USD") {}

    /// @notice Mints test dollars to any account.
    /// @param to The receiver.
    /// @param amount The amount in 6-decimal units.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Six decimals, as USDC and most stablecoins.
    /// @return 6
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
