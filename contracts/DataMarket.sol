// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IDataMarket} from "./interfaces/IDataMarket.sol";
import {IRevenueDistributor} from "./interfaces/IRevenueDistributor.sol";

/// @title DataMarket
/// @notice Listings, purchases, exactly-once settlement of off-chain orders, and data strikes.
contract DataMarket is IDataMarket, AccessControl {
    using SafeERC20 for IERC20;

    /// @notice The role of the API's settlement worker.
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    uint256 private constant _PURPOSE_LIMIT = 64;

    IERC20 private immutable _paymentToken;
    IRevenueDistributor private immutable _distributor;
    uint256 private immutable _workPot;

    /// @dev Packed: the purchase counter and the general strike share one slot.
    uint248 private _purchaseCount;
    bool private _generalStrike;
    mapping(uint256 poolId => Listing) private _listings;
    mapping(uint256 poolId => bytes) private _licenseCids;
    mapping(bytes32 orderId => uint256 purchaseId) private _orders;
    mapping(address buyer => bool) private _struckBuyers;
    mapping(bytes32 buyerRef => bool) private _struckRefs;

    /// @param admin Receives DEFAULT_ADMIN_ROLE (the deployer, then the timelock).
    /// @param paymentToken The union's payment token.
    /// @param distributor The revenue distributor that receives every payment.
    constructor(address admin, IERC20 paymentToken, IRevenueDistributor distributor) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _paymentToken = paymentToken;
        _distributor = distributor;
        _workPot = distributor.WORK_POT();
    }

    /// @inheritdoc IDataMarket
    function purchase(uint256 poolId, uint8 purpose, uint256 maxPrice) public returns (uint256 purchaseId) {
        return _sell(_msgSender(), bytes32(0), bytes32(0), poolId, purpose, maxPrice, false);
    }

    /// @inheritdoc IDataMarket
    function purchaseWithPermit(
        uint256 poolId,
        uint8 purpose,
        uint256 maxPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 purchaseId) {
        // A front-runner may have submitted the same permit first; the allowance is then
        // already in place, so a failed permit is not an error on its own (OpenZeppelin's
        // advice for permit users). transferFrom fails if the allowance is really missing.
        try IERC20Permit(address(_paymentToken)).permit(
            _msgSender(), address(this), maxPrice, deadline, v, r, s
        ) {} catch {} // solhint-disable-line no-empty-blocks
        return purchase(poolId, purpose, maxPrice);
    }

    /// @inheritdoc IDataMarket
    function settleOffchain(bytes32 orderId, uint256 poolId, uint8 purpose, bytes32 buyerRef, uint256 amount)
        external
        onlyRole(SETTLER_ROLE)
        returns (uint256 purchaseId)
    {
        if (orderId == bytes32(0)) revert DataMarketZeroOrderId();
        uint256 settled = _orders[orderId];
        if (settled != 0) revert DataMarketOrderAlreadySettled(orderId, settled);
        if (amount > type(uint128).max) revert DataMarketAmountTooLarge(amount, type(uint128).max);
        return _sell(_msgSender(), buyerRef, orderId, poolId, purpose, amount, true);
    }

    /// @inheritdoc IDataMarket
    function setListing(uint256 poolId, uint128 price, uint64 purposes, bool active, bytes calldata licenseCid)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (price == 0 || purposes == 0) revert DataMarketInvalidListing(price, purposes);
        if (poolId == 0 || poolId == _workPot) revert DataMarketNoContent(poolId);
        _listings[poolId] = Listing({price: price, purposes: purposes, active: active});
        _licenseCids[poolId] = licenseCid;
        emit ListingSet(poolId, price, purposes, active, licenseCid);
    }

    /// @inheritdoc IDataMarket
    function setPrice(uint256 poolId, uint128 price) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Listing memory current = _listings[poolId];
        if (current.purposes == 0) revert DataMarketNotForSale(poolId);
        if (price == 0) revert DataMarketInvalidListing(price, current.purposes);
        _listings[poolId].price = price;
        emit ListingSet(poolId, price, current.purposes, current.active, _licenseCids[poolId]);
    }

    /// @inheritdoc IDataMarket
    function setBuyerStrike(address buyer, bool struck) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _struckBuyers[buyer] = struck;
        emit BuyerStrikeSet(buyer, struck);
    }

    /// @inheritdoc IDataMarket
    function setBuyerRefStrike(bytes32 buyerRef, bool struck) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _struckRefs[buyerRef] = struck;
        emit BuyerRefStrikeSet(buyerRef, struck);
    }

    /// @inheritdoc IDataMarket
    function setGeneralStrike(bool struck) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _generalStrike = struck;
        emit GeneralStrikeSet(struck);
    }

    /// @inheritdoc IDataMarket
    function listing(uint256 poolId) external view returns (Listing memory, bytes memory) {
        return (_listings[poolId], _licenseCids[poolId]);
    }

    /// @inheritdoc IDataMarket
    function isStruck(address buyer, bytes32 buyerRef) public view returns (bool struck) {
        return _generalStrike || _struckBuyers[buyer] || (buyerRef != bytes32(0) && _struckRefs[buyerRef]);
    }

    /// @inheritdoc IDataMarket
    function purchaseOfOrder(bytes32 orderId) external view returns (uint256 purchaseId) {
        return _orders[orderId];
    }

    /// @inheritdoc IDataMarket
    function purchaseCount() external view returns (uint256 count) {
        return _purchaseCount;
    }

    /// @notice The payment token.
    /// @return The token.
    function paymentToken() external view returns (IERC20) {
        return _paymentToken;
    }

    /// @notice The revenue distributor.
    /// @return The distributor.
    function distributor() external view returns (IRevenueDistributor) {
        return _distributor;
    }

    /// @dev Charges the current price, or with `payMax` all of `maxPrice` (an off-chain order's
    /// payment, which the pool earns whole even when the price was lowered since the quote).
    function _sell(
        address buyer,
        bytes32 buyerRef,
        bytes32 orderId,
        uint256 poolId,
        uint8 purpose,
        uint256 maxPrice,
        bool payMax
    ) private returns (uint256 purchaseId) {
        Listing memory current = _listings[poolId];
        if (!current.active) revert DataMarketNotForSale(poolId);
        if (purpose >= _PURPOSE_LIMIT || (current.purposes >> purpose) & 1 == 0) {
            revert DataMarketPurposeNotAllowed(poolId, purpose);
        }
        if (current.price > maxPrice) revert DataMarketPriceAboveMax(current.price, maxPrice);
        // Listings never name the work pot, so any units are accepted contributions' weights.
        if (_distributor.totalUnits(poolId) == 0) revert DataMarketNoContent(poolId);
        if (_generalStrike) revert DataMarketStrike(buyer, buyerRef, true);
        if (_struckBuyers[buyer] || (buyerRef != bytes32(0) && _struckRefs[buyerRef])) {
            revert DataMarketStrike(buyer, buyerRef, false);
        }
        // Purchases are counted one by one; 2^248 of them cannot happen.
        unchecked {
            purchaseId = ++_purchaseCount;
        }
        if (orderId != bytes32(0)) _orders[orderId] = purchaseId;
        uint256 paid = payMax ? maxPrice : current.price;
        emit Purchased(purchaseId, poolId, buyer, buyerRef, orderId, purpose, paid, block.number);
        _paymentToken.safeTransferFrom(buyer, address(_distributor), paid);
        _distributor.deposit(poolId, paid);
    }
}
