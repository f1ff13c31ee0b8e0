// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {CidLib} from "../../../contracts/libraries/CidLib.sol";
import {CidLibHarness} from "../../../contracts/test/CidLibHarness.sol";
import {Test} from "../utils/Test.sol";

/// @title CidLibBranches
/// @notice Every refusal of CidLib.parse, and the round trip of the three supported forms.
contract CidLibBranches is Test {
    CidLibHarness internal cids;
    bytes32 internal constant DIGEST = keccak256("content");

    function setUp() public {
        cids = new CidLibHarness();
    }

    function testFuzz_roundTrip(bytes32 digest, uint8 kindSeed) public view {
        CidLib.Kind kind = CidLib.Kind(kindSeed % 3);
        (CidLib.Kind parsed, bytes32 back) = cids.parse(cids.encode(kind, digest));
        vm.assertEq(uint256(parsed), uint256(kind), "form");
        vm.assertEq(back, digest, "digest");
    }

    function test_refusals() public {
        _refused("", abi.encodeWithSelector(CidLib.CidLibTruncated.selector, 0, 1));
        _refused(hex"02", abi.encodeWithSelector(CidLib.CidLibUnsupportedVersion.selector, 2));
        _refused(hex"0171", abi.encodeWithSelector(CidLib.CidLibUnsupportedCodec.selector, 0x71));
        _refused(hex"015513", abi.encodeWithSelector(CidLib.CidLibUnsupportedHashFunction.selector, 0x13));
        _refused(hex"1221", abi.encodeWithSelector(CidLib.CidLibUnsupportedDigestLength.selector, 0x21));
        _refused(hex"1220ff", abi.encodeWithSelector(CidLib.CidLibTruncated.selector, 3, 34));
        _refused(
            abi.encodePacked(hex"1220", DIGEST, hex"00"), abi.encodeWithSelector(CidLib.CidLibTrailingBytes.selector, 35, 34)
        );
        // A varint with a redundant final zero byte, and one longer than nine bytes.
        _refused(hex"8100", abi.encodeWithSelector(CidLib.CidLibMalformedVarint.selector, 0));
        _refused(hex"ffffffffffffffffff01", abi.encodeWithSelector(CidLib.CidLibMalformedVarint.selector, 0));
        _refused(hex"0180", abi.encodeWithSelector(CidLib.CidLibTruncated.selector, 2, 3));
    }

    function _refused(bytes memory cid, bytes memory error) private {
        vm.expectRevert(error);
        cids.parse(cid);
    }
}
