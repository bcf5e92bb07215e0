// SPDX-License-Identifier: Apache-2.0
// Emits events and reverts in every way Solidity can, for the end-to-end tests.
pragma solidity ^0.8.20;

contract Events {
    event Stored(address indexed who, uint256 indexed key, string note);
    error Custom(uint256 code, string why);

    uint256 public counter;
    mapping(uint256 => string) public notes;

    function store(uint256 key, string calldata note) external {
        counter++;
        notes[key] = note;
        emit Stored(msg.sender, key, note);
    }

    function fail(string calldata why) external pure {
        revert(why);
    }

    function failRequire(uint256 x) external pure returns (uint256) {
        require(x > 10, "x too small");
        return x;
    }

    function failCustom() external pure {
        revert Custom(7, "seven");
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    function storeThenFail(uint256 key) external {
        notes[key] = "never";
        revert("storeThenFail");
    }

    function blockInfo() external view returns (uint256 number, uint256 timestamp, uint256 chainId, uint256 baseFee) {
        return (block.number, block.timestamp, block.chainid, block.basefee);
    }
}
