// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";

/// @title RelayedAccessControl
/// @notice AccessControl for a contract whose callers may also act through the cooperative's
/// forwarder (ERC-2771): a request the trusted forwarder relays acts for its signer, in every
/// role check and every record of who acted; any other caller is itself, whatever it appends.
abstract contract RelayedAccessControl is AccessControl, ERC2771Context {
    /// @param trustedForwarder The LumbungForwarder, whose requests act for their signer.
    constructor(address trustedForwarder) ERC2771Context(trustedForwarder) {}

    /// @dev The signer of a request the trusted forwarder relays, otherwise the caller.
    function _msgSender() internal view virtual override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    /// @dev The calldata without the signer a forwarded request appends.
    function _msgData() internal view virtual override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    /// @dev 20 bytes (the signer) when the trusted forwarder calls.
    function _contextSuffixLength() internal view virtual override(Context, ERC2771Context) returns (uint256) {
        return ERC2771Context._contextSuffixLength();
    }
}
