// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IDataMarket
/// @notice Sells whole data pools for the union's payment token. Wallet buyers call `purchase`
/// (optionally with an ERC-2612 permit); the API's settler settles paid off-chain orders with
/// `settleOffchain`, once per order id. Governance sets listings and strikes: a strike refuses
/// sales to one buyer, or to all. Every sale's payment goes straight to the RevenueDistributor.
interface IDataMarket {
    /// @notice A pool's listing as governance set it.
    /// @param price Price per purchase in payment-token units.
    /// @param purposes Bitmask of allowed purposes (bit i set: purpose i allowed).
    /// @param active Whether the pool is for sale.
    struct Listing {
        uint128 price;
        uint64 purposes;
        bool active;
    }

    /// @notice A listing was created or changed.
    /// @param poolId The pool.
    /// @param price The price.
    /// @param purposes The allowed purposes bitmask.
    /// @param active Whether it is for sale.
    /// @param licenseCid The binary CID of the license document.
    event ListingSet(uint256 indexed poolId, uint256 price, uint64 purposes, bool active, bytes licenseCid);

    /// @notice A pool was sold.
    /// @param purchaseId Sequential purchase id, starting at 1.
    /// @param poolId The pool.
    /// @param buyer The paying account (the settler for off-chain orders).
    /// @param buyerRef The off-chain buyer's reference (zero for wallet purchases).
    /// @param orderId The off-chain order id (zero for wallet purchases).
    /// @param purpose The purpose bought for.
    /// @param price The amount paid: the price, or an off-chain order's whole payment.
    /// @param contentBlock The block whose state fixes the pool's contents for delivery.
    event Purchased(
        uint256 indexed purchaseId,
        uint256 indexed poolId,
        address indexed buyer,
        bytes32 buyerRef,
        bytes32 orderId,
        uint8 purpose,
        uint256 price,
        uint256 contentBlock
    );

    /// @notice A strike was set or lifted for one wallet buyer.
    /// @param buyer The buyer.
    /// @param struck True when sales to the buyer are refused.
    event BuyerStrikeSet(address indexed buyer, bool struck);

    /// @notice A strike was set or lifted for one off-chain buyer reference.
    /// @param buyerRef The reference.
    /// @param struck True when sales to the reference are refused.
    event BuyerRefStrikeSet(bytes32 indexed buyerRef, bool struck);

    /// @notice A strike on all sales was set or lifted.
    /// @param struck True when every sale is refused.
    event GeneralStrikeSet(bool struck);

    /// @notice The pool is not listed, or its listing is inactive.
    /// @param poolId The pool.
    error DataMarketNotForSale(uint256 poolId);

    /// @notice The purpose is not allowed for this pool.
    /// @param poolId The pool.
    /// @param purpose The purpose.
    error DataMarketPurposeNotAllowed(uint256 poolId, uint8 purpose);

    /// @notice The price is above the buyer's maximum (front-running protection).
    /// @param price The current price.
    /// @param maxPrice The buyer's maximum.
    error DataMarketPriceAboveMax(uint256 price, uint256 maxPrice);

    /// @notice The members are on strike against this buyer, or against all buyers.
    /// @param buyer The wallet buyer (the settler for off-chain orders).
    /// @param buyerRef The off-chain buyer reference (zero for wallet purchases).
    /// @param general True when the strike covers all buyers.
    error DataMarketStrike(address buyer, bytes32 buyerRef, bool general);

    /// @notice The off-chain order was already settled.
    /// @param orderId The order.
    /// @param purchaseId The purchase that settled it.
    error DataMarketOrderAlreadySettled(bytes32 orderId, uint256 purchaseId);

    /// @notice A listing needs a non-zero price and a purpose below 64.
    /// @param price The price given.
    /// @param purposes The purposes bitmask given.
    error DataMarketInvalidListing(uint256 price, uint64 purposes);

    /// @notice An off-chain order id must not be zero.
    error DataMarketZeroOrderId();

    /// @notice An off-chain payment above what any listing could ask (2^128 - 1).
    /// @param amount The amount.
    /// @param limit The largest amount.
    error DataMarketAmountTooLarge(uint256 amount, uint256 limit);

    /// @notice The pool has no accepted content to sell (or is no pool: id 0, the work pot).
    /// @param poolId The pool.
    error DataMarketNoContent(uint256 poolId);

    /// @notice Buys a pool's data for a purpose, paying with `transferFrom`.
    /// @param poolId The pool.
    /// @param purpose The purpose.
    /// @param maxPrice The most the buyer will pay.
    /// @return purchaseId The new purchase.
    function purchase(uint256 poolId, uint8 purpose, uint256 maxPrice) external returns (uint256 purchaseId);

    /// @notice Buys with an ERC-2612 permit, in one transaction.
    /// @param poolId The pool.
    /// @param purpose The purpose.
    /// @param maxPrice The most the buyer will pay; also the permit's value.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return purchaseId The new purchase.
    function purchaseWithPermit(
        uint256 poolId,
        uint8 purpose,
        uint256 maxPrice,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 purchaseId);

    /// @notice Settles a paid off-chain order; the settler pays from its own balance. The pool
    /// earns exactly what the buyer paid: all of `amount`, also when the price was lowered
    /// after the quote, so nothing of the payment stays with the settler.
    /// @param orderId The API's order id; a second settlement reverts.
    /// @param poolId The pool.
    /// @param purpose The purpose.
    /// @param buyerRef The off-chain buyer's reference.
    /// @param amount What the buyer paid (the quote); a higher current price refuses the
    /// settlement (DataMarketPriceAboveMax), and the order is refunded.
    /// @return purchaseId The new purchase.
    function settleOffchain(bytes32 orderId, uint256 poolId, uint8 purpose, bytes32 buyerRef, uint256 amount)
        external
        returns (uint256 purchaseId);

    /// @notice Creates or changes a listing; for governance. Not for id 0 or the work pot's id; a
    /// listed pool sells only while it holds accepted content.
    /// @param poolId The pool.
    /// @param price The price.
    /// @param purposes The allowed purposes bitmask.
    /// @param active Whether it is for sale.
    /// @param licenseCid The binary CID of the license document.
    function setListing(uint256 poolId, uint128 price, uint64 purposes, bool active, bytes calldata licenseCid)
        external;

    /// @notice Changes only the price of a listing; for governance.
    /// @param poolId The pool.
    /// @param price The new price.
    function setPrice(uint256 poolId, uint128 price) external;

    /// @notice Sets or lifts a strike against one wallet buyer; for governance.
    /// @param buyer The buyer.
    /// @param struck True to refuse sales.
    function setBuyerStrike(address buyer, bool struck) external;

    /// @notice Sets or lifts a strike against one off-chain buyer reference; for governance.
    /// @param buyerRef The reference.
    /// @param struck True to refuse sales.
    function setBuyerRefStrike(bytes32 buyerRef, bool struck) external;

    /// @notice Sets or lifts a strike against all buyers; for governance.
    /// @param struck True to refuse every sale.
    function setGeneralStrike(bool struck) external;

    /// @notice A pool's listing.
    /// @param poolId The pool.
    /// @return listing The listing.
    /// @return licenseCid The license document's binary CID.
    function listing(uint256 poolId) external view returns (Listing memory listing, bytes memory licenseCid);

    /// @notice Whether a sale to this buyer would be refused by a strike now.
    /// @param buyer The wallet buyer (or the settler).
    /// @param buyerRef The off-chain reference (zero for wallet buyers).
    /// @return struck True if refused.
    function isStruck(address buyer, bytes32 buyerRef) external view returns (bool struck);

    /// @notice The purchase that settled an off-chain order (0 if none).
    /// @param orderId The order.
    /// @return purchaseId The purchase.
    function purchaseOfOrder(bytes32 orderId) external view returns (uint256 purchaseId);

    /// @notice The number of purchases so far (the last purchase id).
    /// @return count The count.
    function purchaseCount() external view returns (uint256 count);
}
