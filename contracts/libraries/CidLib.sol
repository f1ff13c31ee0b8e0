// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title CidLib
/// @notice Parses and rebuilds the binary form of the CIDs the cooperative registers: CIDv0,
/// and CIDv1 with the raw (0x55) or dag-pb (0x70) codec, always over a sha2-256 multihash.
/// Every other input reverts with an error that names the fault.
/// @dev Binary layouts accepted (https://github.com/multiformats/cid):
///   CIDv0: 0x12 0x20 <32-byte digest>                      (34 bytes)
///   CIDv1: 0x01 <codec varint> 0x12 0x20 <32-byte digest>  (36 bytes for raw and dag-pb)
/// Varints follow the multiformats unsigned-varint spec (at most 9 bytes, minimally encoded),
/// and multi-byte ones are decoded in full, so an unsupported code is reported by its value.
/// A leading 0x12 can only start a CIDv0: the spec reserves version 18 for that reason.
library CidLib {
    /// @notice The form of a supported CID; all of them address a sha2-256 digest.
    enum Kind {
        V0,
        V1_DAG_PB,
        V1_RAW
    }

    /// @notice The CID version is neither 0 (implicit) nor 1.
    /// @param version The decoded version.
    error CidLibUnsupportedVersion(uint256 version);

    /// @notice The CIDv1 content codec is neither raw (0x55) nor dag-pb (0x70).
    /// @param codec The decoded multicodec code.
    error CidLibUnsupportedCodec(uint256 codec);

    /// @notice The multihash function is not sha2-256 (0x12).
    /// @param hashFunction The decoded multihash function code.
    error CidLibUnsupportedHashFunction(uint256 hashFunction);

    /// @notice The multihash digest length is not 32 bytes.
    /// @param digestLength The decoded digest length.
    error CidLibUnsupportedDigestLength(uint256 digestLength);

    /// @notice A varint is longer than 9 bytes or not minimally encoded.
    /// @param offset The byte offset at which the varint starts.
    error CidLibMalformedVarint(uint256 offset);

    /// @notice The input ends inside a field.
    /// @param length The input length.
    /// @param required The length needed to hold the field being read.
    error CidLibTruncated(uint256 length, uint256 required);

    /// @notice Bytes follow a complete CID.
    /// @param length The input length.
    /// @param cidLength The length of the CID that the input starts with.
    error CidLibTrailingBytes(uint256 length, uint256 cidLength);

    uint256 internal constant CIDV1 = 0x01;
    uint256 internal constant CODEC_RAW = 0x55;
    uint256 internal constant CODEC_DAG_PB = 0x70;
    uint256 internal constant SHA2_256 = 0x12;
    uint256 internal constant SHA2_256_LENGTH = 0x20;

    /// @dev The unsigned-varint spec caps a varint at 9 bytes (63 bits of value).
    uint256 private constant _MAX_VARINT_SHIFT = 63;

    /// @notice Parses a binary CID.
    /// @param cid The CID bytes.
    /// @return kind The CID's form.
    /// @return digest The sha2-256 digest it addresses.
    function parse(bytes calldata cid) internal pure returns (Kind kind, bytes32 digest) {
        uint256 offset = 0;
        if (cid.length == 0) revert CidLibTruncated(0, 1);
        if (uint8(cid[0]) != SHA2_256) {
            uint256 version;
            (version, offset) = _readVarint(cid, 0);
            if (version != CIDV1) revert CidLibUnsupportedVersion(version);
            uint256 codec;
            (codec, offset) = _readVarint(cid, offset);
            if (codec == CODEC_DAG_PB) kind = Kind.V1_DAG_PB;
            else if (codec == CODEC_RAW) kind = Kind.V1_RAW;
            else revert CidLibUnsupportedCodec(codec);
        }
        uint256 hashFunction;
        (hashFunction, offset) = _readVarint(cid, offset);
        if (hashFunction != SHA2_256) revert CidLibUnsupportedHashFunction(hashFunction);
        uint256 digestLength;
        (digestLength, offset) = _readVarint(cid, offset);
        if (digestLength != SHA2_256_LENGTH) revert CidLibUnsupportedDigestLength(digestLength);
        uint256 end = offset + SHA2_256_LENGTH;
        if (cid.length < end) revert CidLibTruncated(cid.length, end);
        if (cid.length > end) revert CidLibTrailingBytes(cid.length, end);
        digest = bytes32(cid[offset:end]);
    }

    /// @notice Rebuilds the binary CID of a form and digest.
    /// @param kind The CID's form.
    /// @param digest The sha2-256 digest.
    /// @return cid The CID bytes.
    function encode(Kind kind, bytes32 digest) internal pure returns (bytes memory cid) {
        if (kind == Kind.V0) return abi.encodePacked(uint8(SHA2_256), uint8(SHA2_256_LENGTH), digest);
        uint8 codec = kind == Kind.V1_RAW ? uint8(CODEC_RAW) : uint8(CODEC_DAG_PB);
        return abi.encodePacked(uint8(CIDV1), codec, uint8(SHA2_256), uint8(SHA2_256_LENGTH), digest);
    }

    /// @dev Reads one unsigned varint starting at `offset`; returns it and the offset after it.
    function _readVarint(bytes calldata data, uint256 offset) private pure returns (uint256 value, uint256 next) {
        uint256 shift = 0;
        next = offset;
        // At most 9 iterations: the shift check below ends the loop at the 10th byte.
        while (true) {
            if (next >= data.length) revert CidLibTruncated(data.length, next + 1);
            uint256 b = uint8(data[next]);
            value |= (b & 0x7f) << shift;
            unchecked {
                // next < data.length, which a calldata length bounds far below 2**256.
                ++next;
            }
            if (b < 0x80) {
                // A final zero byte after the first adds nothing: a longer encoding than needed.
                if (b == 0 && shift != 0) revert CidLibMalformedVarint(offset);
                return (value, next);
            }
            unchecked {
                // shift < 63 here, so it stays tiny.
                shift += 7;
            }
            if (shift == _MAX_VARINT_SHIFT) revert CidLibMalformedVarint(offset);
        }
    }
}
