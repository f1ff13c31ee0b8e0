// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IContributionToken} from "./interfaces/IContributionToken.sol";

/// @title ContributionToken
/// @notice ERC20 + ERC20Votes (timestamp clock) + ERC20Permit whose balances record accepted
/// data labour. Only holders of MINTER_ROLE (the ContributionRegistry) mint and burn; every
/// transfer reverts, and every account is its own delegate, fixed in code, so voting power
/// needs no extra transaction and no storage.
contract ContributionToken is IContributionToken, ERC20, ERC20Permit, ERC20Votes, AccessControl {
    /// @inheritdoc IContributionToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @param admin Receives DEFAULT_ADMIN_ROLE; it grants MINTER_ROLE to the registry.
    constructor(address admin) ERC20("Lumbung Contribution", "LCT") ERC20Permit("Lumbung Contribution") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IContributionToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc IContributionToken
    function burn(address from, uint256 amount) external onlyRole(MINTER_ROLE) {
        _burn(from, amount);
    }

    /// @notice The ERC-6372 clock: block timestamps, so epochs and snapshots read in seconds.
    /// @return The current timestamp.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The ERC-6372 clock mode.
    /// @return The machine-readable clock description.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice Every account is its own delegate, fixed in code. Nothing is stored: a mint
    /// reads no delegate slot, and a member's first mint writes none (about 26k gas saved).
    /// @param account The account.
    /// @return The account itself.
    function delegates(address account) public pure override returns (address) {
        return account;
    }

    /// @notice Delegation is fixed to the holder: delegating to oneself changes nothing, and
    /// delegating to anyone else reverts.
    /// @param delegatee Must be the caller.
    function delegate(address delegatee) public view override {
        if (delegatee != _msgSender()) revert ContributionTokenNonDelegable(_msgSender());
    }

    /// @notice Delegation by signature is refused for the same reason as `delegate`.
    function delegateBySig(address, uint256, uint256, uint8, bytes32, bytes32) public pure override {
        revert ContributionTokenNonDelegable(address(0));
    }

    /// @dev Mints and burns only.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        if (from != address(0) && to != address(0)) revert ContributionTokenNonTransferable(from, to);
        super._update(from, to, value);
    }

    /// @inheritdoc Nonces
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @notice Not kept: no rule of the cooperative reads the token's past total supply (quorums
    /// count members, not tokens), so mints and burns skip that checkpoint and save ~22k gas.
    function getPastTotalSupply(uint256) public pure override returns (uint256) {
        revert ContributionTokenNoSupplyHistory();
    }

    /// @dev Moves the holders' own votes only (each is its own delegate); see getPastTotalSupply.
    function _transferVotingUnits(address from, address to, uint256 amount) internal override {
        _moveDelegateVotes(from, to, amount);
    }
}
