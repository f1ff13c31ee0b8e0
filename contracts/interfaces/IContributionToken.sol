// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IContributionToken
/// @notice Non-transferable record of accepted data labour. Each accepted contribution
/// mints its curated weight to the contributor; a revoked one burns it. The balance is the
/// member's voting power (ERC20Votes, timestamp clock) and can never be bought or sold.
interface IContributionToken {
    /// @notice A transfer between two accounts was attempted; labour cannot change hands.
    /// @param from The account that holds the tokens.
    /// @param to The intended receiver.
    error ContributionTokenNonTransferable(address from, address to);

    /// @notice Delegating votes elsewhere was attempted; a member's votes are their own.
    /// @param account The account that tried to delegate.
    error ContributionTokenNonDelegable(address account);

    /// @notice The token keeps no history of its total supply; see getPastTotalSupply.
    error ContributionTokenNoSupplyHistory();

    /// @notice Mints contribution tokens for an accepted contribution.
    /// @param to The contributor.
    /// @param amount The curated weight.
    function mint(address to, uint256 amount) external;

    /// @notice Burns contribution tokens of a revoked contribution.
    /// @param from The contributor.
    /// @param amount The weight that was minted for it.
    function burn(address from, uint256 amount) external;

    /// @notice The role that may mint and burn, held by the contribution registry only.
    /// @return The role identifier.
    function MINTER_ROLE() external view returns (bytes32);
}
