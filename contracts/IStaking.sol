// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title QTM staking system contract
/// @notice The interface of the native staking contract at
///         0x0000000000000000000000000000005374616b65 ("Stake"), docs/staking.md. It holds
///         the validators, the delegations and the unbonding queue in its storage; the
///         active validator set of each epoch is read from that storage.
/// @dev The contract is native code (src/chain/staking/), not EVM bytecode: call it with
///      `IStaking(0x…5374616b65)` from Solidity or with this ABI from ethers, viem or cast.
///      Every refusal reverts with Error(string), the reason starting "staking: ".
///      DELEGATECALL and CALLCODE are refused, as is value sent with empty call data.
interface IStaking {
    // ------------------------------------------------------------------ events

    /// @notice A validator was registered by `createValidator`.
    /// @param operator The operator (the caller of createValidator).
    /// @param consensusAddress The address of the consensus key: keccak256(scheme || key)[12:],
    ///        the address that blocks and votes name.
    /// @param rewardAddress Where the validator's commission is paid.
    /// @param commissionBps The commission in basis points.
    /// @param selfStake The value sent with the call, bonded as the operator's delegation.
    event ValidatorCreated(
        address indexed operator,
        address indexed consensusAddress,
        address rewardAddress,
        uint16 commissionBps,
        uint256 selfStake
    );

    /// @notice A validator's reward address and/or commission was changed.
    event ValidatorEdited(address indexed operator, address rewardAddress, uint16 commissionBps);

    /// @notice `amount` wei was bonded by `delegator` to `validator`.
    event Delegated(address indexed delegator, address indexed validator, uint256 amount);

    /// @notice `amount` wei of a delegation entered the unbonding queue.
    /// @param completionTime The Unix time (seconds) from which `withdraw` pays it out.
    event Undelegated(
        address indexed delegator, address indexed validator, uint256 amount, uint256 completionTime
    );

    /// @notice Matured unbonding entries worth `amount` wei were paid to `delegator`.
    event Withdrawn(address indexed delegator, uint256 amount);

    /// @notice `amount` wei of rewards from its delegation to `validator` were paid to
    ///         `delegator` by `claimRewards`.
    event RewardsClaimed(address indexed delegator, address indexed validator, uint256 amount);

    /// @notice `amount` wei bonded to `validator` at `infractionHeight` were burned.
    /// @dev Penalties are applied by the block executor, outside any transaction: Slashed,
    ///      Jailed and Tombstoned are block-level logs, served by eth_getLogs with the
    ///      block's derived transactionHash and transactionIndex = its number of transactions
    ///      (docs/protocol.md, "Block-level logs").
    /// @param reason 1 = double sign, 2 = downtime.
    event Slashed(address indexed validator, uint64 infractionHeight, uint256 amount, uint8 reason);

    /// @notice `validator` was jailed for downtime: it leaves the active set at the next epoch
    ///         and may unjail at `until` (Unix seconds).
    /// @param reason 2 = downtime.
    event Jailed(address indexed validator, uint64 until, uint8 reason);

    /// @notice `validator` signed twice and is jailed for ever (after its Slashed event).
    event Tombstoned(address indexed validator);

    /// @notice `validator`'s operator called `unjail` after its jail time.
    event Unjailed(address indexed validator);

    // ------------------------------------------------------------------ state-changing

    /// @notice Registers msg.sender as a validator; the value sent is its self-stake.
    /// @param scheme The consensus key's signature scheme: 2 (ML-DSA-65) only.
    /// @param consensusKey The ML-DSA-65 public key (1952 bytes), never used by another operator.
    /// @param proofOfPossession An ML-DSA-65 signature by the consensus key, context
    ///        "qtm/pop/v1", over msg.sender (20 bytes) || chain id (8 bytes, big-endian)
    ///        (`qtm validator pop` makes one).
    /// @param rewardAddress Where commission is paid; not zero.
    /// @param commissionBps At most maxCommissionBps.
    /// @dev msg.value must be at least minValidatorStake.
    function createValidator(
        uint8 scheme,
        bytes calldata consensusKey,
        bytes calldata proofOfPossession,
        address rewardAddress,
        uint16 commissionBps
    ) external payable;

    /// @notice Changes the caller's validator's reward address (any time) and commission (by
    ///         at most maxCommissionChangeBps, at least commissionChangeIntervalSeconds after
    ///         the last change).
    function editValidator(address rewardAddress, uint16 commissionBps) external;

    /// @notice Bonds msg.value (more than 0) to `validator` (its operator address).
    function delegate(address validator) external payable;

    /// @notice Moves `amount` wei of the caller's delegation to `validator` into the unbonding
    ///         queue (at most maxUnbondingEntries entries per delegator).
    /// @return completionTime The Unix time from which `withdraw` pays the entry out:
    ///         the block's time + unbondingSeconds.
    function undelegate(address validator, uint256 amount) external returns (uint256 completionTime);

    /// @notice Pays out every matured unbonding entry of the caller; reverts if none matured.
    /// @return amount The wei paid.
    function withdraw() external returns (uint256 amount);

    /// @notice Pays the caller's pending rewards from its delegation to `validator`.
    /// @return amount The wei paid.
    function claimRewards(address validator) external returns (uint256 amount);

    /// @notice Takes the caller's validator out of jail once its jail time has passed;
    ///         refused when not jailed, when tombstoned, or too early.
    function unjail() external;

    // ------------------------------------------------------------------ views

    /// @notice A validator's record; exists = false (and zeros) for an unknown operator.
    /// @return exists Whether `operator` is a validator.
    /// @return scheme The consensus key's scheme id (2: ML-DSA-65).
    /// @return consensusKey The consensus public key.
    /// @return consensusAddress keccak256(scheme || key)[12:].
    /// @return rewardAddress Where commission is paid.
    /// @return commissionBps The commission in basis points.
    /// @return bondedStake The wei bonded to it (all its delegations).
    /// @return jailed Whether it is jailed (out of the active set from the next epoch).
    /// @return totalShares The pool shares its delegations hold (getDelegation converts them
    ///         to wei at the pool's exchange rate).
    /// @return jailedUntil The Unix time from which `unjail` is allowed; type(uint64).max for
    ///         a tombstone; 0 if never jailed.
    /// @return tombstoned Whether it is tombstoned (never again in the set, no new delegations).
    /// @return totalSlashed The wei burned from it by slashing, in all.
    function getValidator(address operator)
        external
        view
        returns (
            bool exists,
            uint8 scheme,
            bytes memory consensusKey,
            address consensusAddress,
            address rewardAddress,
            uint16 commissionBps,
            uint256 bondedStake,
            bool jailed,
            uint256 totalShares,
            uint64 jailedUntil,
            bool tombstoned,
            uint256 totalSlashed
        );

    /// @notice The number of validators ever registered.
    function validatorCount() external view returns (uint256);

    /// @notice The operator of the `index`-th registered validator (registration order).
    function validatorAt(uint256 index) external view returns (address);

    /// @notice The current value in wei of `delegator`'s delegation to `validator`.
    function getDelegation(address delegator, address validator) external view returns (uint256);

    /// @notice The rewards `delegator` would receive from `claimRewards(validator)` now.
    function pendingRewards(address delegator, address validator) external view returns (uint256);

    /// @notice The number of unbonding entries of `delegator`.
    function unbondingCount(address delegator) external view returns (uint256);

    /// @notice Unbonding entry `index` of `delegator`. Indices are not stable across a
    ///         `withdraw` (the last entry moves into a removed one's place).
    function getUnbonding(address delegator, uint256 index)
        external
        view
        returns (address validator, uint256 amount, uint256 completionTime);

    /// @notice The total wei bonded and unbonding, and the number of validators registered.
    function getTotals()
        external
        view
        returns (uint256 totalBonded, uint256 totalUnbonding, uint256 validatorCount);

    /// @notice The chain spec's staking parameters.
    function getParams()
        external
        view
        returns (
            uint256 minValidatorStake,
            uint256 maxValidators,
            uint256 unbondingSeconds,
            uint256 maxCommissionBps,
            uint256 maxCommissionChangeBps,
            uint256 commissionChangeIntervalSeconds,
            uint256 epochLength,
            uint256 maxUnbondingEntries
        );
}
